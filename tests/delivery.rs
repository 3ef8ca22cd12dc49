//! Delivery against a real HTTP server on 127.0.0.1: what is sent, retries, waits, deadlines,
//! timeouts, several destinations, and the exit status.

mod common;

use std::time::{Duration, Instant};

use common::{crier, Answer, Server, TempDir};

const STATUS_SUCCESS: (&str, &str) = ("CRIER_STATUS", "success");

#[test]
fn the_body_delivered_is_the_body_printed_by_a_dry_run() {
    let server = Server::always(Answer::body(200, "ok"));
    let dir = TempDir::new();
    let event = dir.write("event.json", include_str!("../examples/push-event.json"));
    for to in [
        server.url("/generic/hook"),
        format!("slack+{}", server.url("/services/T0/B0/x")),
    ] {
        let args = ["--to", &to, "--event-file", &event, "--status", "failure"];
        let printed = crier(&[&args[..], &["--print-payload"]].concat(), &[]);
        assert_eq!(printed.code, 0, "{}", printed.stderr);
        let before = server.requests().len();
        let sent = crier(&args, &[]);
        assert_eq!(sent.code, 0, "{}", sent.stderr);
        let requests = server.requests();
        assert_eq!(requests.len(), before + 1);
        let request = requests.last().unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(format!("{}\n", request.body), printed.stdout);
        assert!(request
            .header("content-type")
            .unwrap()
            .starts_with("application/json"));
    }
}

#[test]
fn a_dry_run_sends_nothing() {
    let server = Server::always(Answer::status(200));
    let run = crier(
        &["--to", &server.url("/x"), "--dry-run", "true"],
        &[STATUS_SUCCESS],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.is_empty());
    assert!(server.requests().is_empty());
}

#[test]
fn extra_headers_are_sent() {
    let server = Server::always(Answer::status(204));
    let run = crier(
        &["--to", &server.url("/x")],
        &[(
            "INPUT_HEADERS",
            "X-Team: platform\nAuthorization: Bearer s3cr3t-t0ken",
        )],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let request = &server.requests()[0];
    assert_eq!(request.header("x-team"), Some("platform"));
    assert_eq!(request.header("authorization"), Some("Bearer s3cr3t-t0ken"));
    assert!(!run.all_output().contains("s3cr3t-t0ken"));
}

#[test]
fn too_many_requests_waits_as_the_server_asks_then_succeeds() {
    let server = Server::start(
        vec![Answer::status(429).with_header("Retry-After", "1")],
        Answer::status(200),
    );
    let run = crier(&["--to", &server.url("/x")], &[STATUS_SUCCESS]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let waited = requests[1].at - requests[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    assert!(run.stderr.contains("as the server asks"), "{}", run.stderr);
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let server = Server::start(
        vec![Answer::status(503).with_header("Retry-After", &when)],
        Answer::status(200),
    );
    let run = crier(&["--to", &server.url("/x")], &[STATUS_SUCCESS]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The date has one-second precision, so the wait is between one and two seconds.
    let waited = requests[1].at - requests[0].at;
    assert!(
        waited >= Duration::from_millis(900),
        "waited only {waited:?}"
    );
}

#[test]
fn server_errors_are_retried_up_to_retries() {
    for (status, retries) in [(500, "2"), (502, "1"), (503, "0"), (504, "1"), (408, "1")] {
        let server = Server::always(Answer::status(status).with_header("Retry-After", "0"));
        let run = crier(
            &["--to", &server.url("/x"), "--retries", retries],
            &[STATUS_SUCCESS],
        );
        assert_eq!(run.code, 1, "{status}: {}", run.stderr);
        let expected = retries.parse::<usize>().unwrap() + 1;
        assert_eq!(server.requests().len(), expected, "{status}");
        assert!(run.stderr.contains("no retries left"), "{}", run.stderr);
    }
}

#[test]
fn without_retry_after_the_backoff_starts_near_a_second() {
    let server = Server::start(vec![Answer::status(500)], Answer::status(200));
    let run = crier(&["--to", &server.url("/x")], &[STATUS_SUCCESS]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = server.requests();
    let waited = requests[1].at - requests[0].at;
    assert!(
        waited >= Duration::from_millis(700) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
}

#[test]
fn client_errors_and_redirects_are_sent_once() {
    for answer in [
        Answer::status(400),
        Answer::status(404),
        Answer::status(410),
        Answer::status(301).with_header("Location", "http://127.0.0.1:1/elsewhere"),
        Answer::status(307).with_header("Location", "http://127.0.0.1:1/elsewhere"),
    ] {
        let server = Server::always(answer.clone());
        let run = crier(&["--to", &server.url("/x")], &[STATUS_SUCCESS]);
        assert_eq!(run.code, 1, "{answer:?}: {}", run.stderr);
        assert_eq!(server.requests().len(), 1, "{answer:?}");
        assert!(run.stderr.contains("not retried"), "{}", run.stderr);
    }
}

#[test]
fn a_wait_past_the_deadline_gives_up_at_once_and_says_so() {
    let server = Server::always(Answer::status(429).with_header("Retry-After", "120"));
    let started = Instant::now();
    let run = crier(
        &["--to", &server.url("/x"), "--deadline", "30"],
        &[STATUS_SUCCESS],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(server.requests().len(), 1);
    assert!(
        run.stderr
            .contains("asks to wait 120.0 s, past the 30.0 s deadline"),
        "{}",
        run.stderr
    );
    // Giving up "at once": well before the 30 s deadline, let alone the 120 s wait.
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_hung_server_is_cut_off_by_the_timeout() {
    let server = Server::always(Answer::Hang);
    let started = Instant::now();
    let run = crier(
        &[
            "--to",
            &server.url("/x"),
            "--timeout",
            "1",
            "--retries",
            "0",
        ],
        &[STATUS_SUCCESS],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("no answer within the timeout"),
        "{}",
        run.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_refused_connection_is_retried() {
    // Bind and drop a listener to get a port that nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let to = format!("http://127.0.0.1:{port}/x");
    let run = crier(&["--to", &to, "--retries", "1"], &[STATUS_SUCCESS]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("attempt 2/2"), "{}", run.stderr);
    assert!(run.stderr.contains("connection refused"), "{}", run.stderr);
}

#[test]
fn one_failing_destination_does_not_stop_the_other() {
    let good = Server::always(Answer::status(200));
    let bad = Server::always(Answer::status(404));
    let dir = TempDir::new();
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("INPUT_STATUS", "success"),
        ("GITHUB_OUTPUT", &dir.file("output")),
        ("GITHUB_STEP_SUMMARY", &dir.file("summary")),
    ];
    let to = format!("{}\n{}", bad.url("/bad"), good.url("/good"));
    let run = crier(&[], &[&env[..], &[("INPUT_TO", to.as_str())]].concat());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(good.requests().len(), 1);
    assert_eq!(bad.requests().len(), 1);
    assert!(
        run.stderr.contains("::error::[1] webhook"),
        "{}",
        run.stderr
    );
    let output = dir.read("output");
    assert!(output.contains("result=partial\n"), "{output}");
    assert!(
        output.contains("sent=1\n") && output.contains("failed=1\n"),
        "{output}"
    );
    let summary = dir.read("summary");
    assert!(
        summary.contains("| [2] webhook http://127.0.0.1"),
        "{summary}"
    );
    assert!(
        summary.contains("❌ failed") && summary.contains("✅ sent"),
        "{summary}"
    );
}

#[test]
fn fail_on_error_false_exits_zero_with_a_warning() {
    let bad = Server::always(Answer::status(500).with_header("Retry-After", "0"));
    let dir = TempDir::new();
    let run = crier(
        &[],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("INPUT_TO", &bad.url("/x")),
            ("INPUT_FAIL-ON-ERROR", "false"),
            ("INPUT_RETRIES", "0"),
            ("INPUT_STATUS", "failure"),
            ("GITHUB_OUTPUT", &dir.file("output")),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("::warning::[1] webhook"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("::error::"), "{}", run.stderr);
    assert!(dir.read("output").contains("result=failed\n"));
}

#[test]
fn a_status_outside_on_sends_nothing_and_exits_zero() {
    let server = Server::always(Answer::status(200));
    let dir = TempDir::new();
    for (status, on, sends) in [
        ("success", "problems", false),
        ("failure", "problems", true),
        ("cancelled", "problems", true),
        ("started", "finished", false),
        ("success", "finished", true),
        ("skipped", "finished", false),
        ("canceled", "failure", false),
        ("timedout", "failure", true),
        ("running", "always", true),
        ("passed", "success,started", true),
    ] {
        let before = server.requests().len();
        let output = dir.file(&format!("output-{status}-{on}"));
        let run = crier(
            &["--to", &server.url("/x"), "--status", status, "--on", on],
            &[("GITHUB_OUTPUT", &output)],
        );
        assert_eq!(run.code, 0, "{status} {on}: {}", run.stderr);
        let sent = server.requests().len() > before;
        assert_eq!(sent, sends, "status {status} with on={on}");
        let result = std::fs::read_to_string(&output).unwrap();
        let expected = if sends {
            "result=sent\n"
        } else {
            "result=skipped\n"
        };
        assert!(result.starts_with(expected), "{status} {on}: {result}");
    }
}

#[test]
fn gitlab_job_status_decides_whether_to_send() {
    let server = Server::always(Answer::status(200));
    for (job_status, sends) in [("success", false), ("failed", true), ("canceled", true)] {
        let before = server.requests().len();
        let run = crier(
            &[],
            &[
                ("GITLAB_CI", "true"),
                ("CI_JOB_STATUS", job_status),
                ("CRIER_TO", &server.url("/x")),
                ("CRIER_ON", "problems"),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(server.requests().len() > before, sends, "{job_status}");
    }
}
