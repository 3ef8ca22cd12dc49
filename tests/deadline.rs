//! The deadline is a hard bound on every transport: servers that trickle bytes, stall after
//! a line, or talk forever cannot keep crier past `deadline` plus the slack the README states
//! (0.5 s). Each server here misbehaves on purpose, on 127.0.0.1.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::thread::sleep;
use std::time::Duration;

use common::{crier, crier_timed, raw_server};

/// The README's slack: how far past its deadline a run may end.
const SLACK: Duration = Duration::from_millis(500);
const DEADLINE: f64 = 2.0;

/// Runs crier against `to` with a 2 s deadline and a 1.5 s timeout, many retries, and
/// checks it ends, failed, within the deadline and its slack.
fn bounded(to: &str, extra: &[(&str, &str)]) {
    let mut env = vec![
        ("CRIER_DEADLINE", "2"),
        ("CRIER_TIMEOUT", "1.5"),
        ("CRIER_RETRIES", "20"),
        ("CRIER_STATUS", "failure"),
        ("CRIER_EMAIL_FROM", "ci@example.com"),
    ];
    env.extend_from_slice(extra);
    let limit = Duration::from_secs_f64(DEADLINE) + SLACK;
    let (run, took) = crier_timed(&["--to", to], &env, Duration::from_secs(20));
    assert!(
        took <= limit,
        "{to}: took {took:?}, past {limit:?}\n{}",
        run.stderr
    );
    assert_eq!(run.code, 1, "{to}: {}", run.stderr);
}

/// One byte every 0.3 s, never a line end.
fn trickle(mut stream: TcpStream) {
    loop {
        if stream.write_all(b":").is_err() {
            return;
        }
        sleep(Duration::from_millis(300));
    }
}

#[test]
fn an_irc_server_that_trickles_bytes_without_a_newline() {
    let port = raw_server(trickle);
    bounded(&format!("irc://crier@127.0.0.1:{port}/builds"), &[]);
}

#[test]
fn an_irc_server_that_goes_silent_after_one_late_line() {
    let port = raw_server(|mut stream| {
        sleep(Duration::from_millis(1200));
        let _ = stream.write_all(b":irc.test NOTICE * :hello\r\n");
        sleep(Duration::from_secs(30));
    });
    bounded(&format!("irc://crier@127.0.0.1:{port}/builds"), &[]);
}

#[test]
fn an_smtp_server_that_trickles_its_greeting() {
    let port = raw_server(trickle);
    let smtp = format!("smtp://127.0.0.1:{port}?tls=none");
    bounded("mailto:dev@example.com", &[("CRIER_SMTP_URL", &smtp)]);
    // Destinations that carry their own server, and a log-in before the send.
    bounded(
        &format!("smtp://127.0.0.1:{port}?to=dev@example.com&tls=none"),
        &[],
    );
    bounded(
        &format!("matrix+http://ci:pw12@127.0.0.1:{port}/%21room"),
        &[],
    );
}

#[test]
fn an_smtp_server_that_sends_continuation_lines_forever() {
    let port = raw_server(|mut stream| loop {
        if stream.write_all(b"220-still greeting\r\n").is_err() {
            return;
        }
        sleep(Duration::from_millis(50));
    });
    let smtp = format!("smtp://127.0.0.1:{port}?tls=none");
    bounded("mailto:dev@example.com", &[("CRIER_SMTP_URL", &smtp)]);
}

#[test]
fn an_smtp_server_that_answers_each_command_just_under_the_timeout() {
    let port = raw_server(|stream| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        sleep(Duration::from_millis(1300));
        let _ = stream.write_all(b"220 slow.test ESMTP\r\n");
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            sleep(Duration::from_millis(1300));
            let answer: &[u8] = if line.starts_with("EHLO") {
                b"250 slow.test\r\n"
            } else if line.starts_with("DATA") {
                b"354 go on\r\n"
            } else {
                b"250 ok\r\n"
            };
            if stream.write_all(answer).is_err() {
                return;
            }
            line.clear();
        }
    });
    let smtp = format!("smtp://127.0.0.1:{port}?tls=none");
    bounded("mailto:dev@example.com", &[("CRIER_SMTP_URL", &smtp)]);
}

#[test]
fn an_http_server_that_trickles_its_answer() {
    let port = raw_server(|stream| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 2 {
            line.clear();
        }
        trickle(stream)
    });
    bounded(&format!("http://127.0.0.1:{port}/hook"), &[]);
}

/// Answers every HTTP request just under the timeout, with what each step of a multi-step
/// send wants (a log-in's token, an alias's room, the sent event), so only the steps' sum is
/// too slow.
fn answer_each_request_late(stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    let mut length = 0;
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 2 {
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        line.clear();
    }
    let mut body = vec![0; length];
    let _ = std::io::Read::read_exact(&mut reader, &mut body);
    sleep(Duration::from_millis(1300));
    let answer = r#"{"access_token":"syt_late","room_id":"!room:x","event_id":"$e"}"#;
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
}

#[test]
fn a_send_of_several_steps_keeps_its_deadline_when_each_step_is_just_in_time() {
    let port = raw_server(answer_each_request_late);
    // A Matrix log-in, then an alias's lookup, then the send; an alias alone.
    bounded(
        &format!("matrix+http://ci:pw12@127.0.0.1:{port}/%23builds:x"),
        &[],
    );
    bounded(
        &format!("matrix+http://syt_tok@127.0.0.1:{port}/%23builds:x"),
        &[],
    );
}

#[test]
fn a_server_that_accepts_and_never_reads() {
    let port = raw_server(|stream| {
        sleep(Duration::from_secs(30));
        drop(stream);
    });
    bounded(&format!("http://127.0.0.1:{port}/hook"), &[]);
    bounded(&format!("irc://crier@127.0.0.1:{port}/builds"), &[]);
    let smtp = format!("smtp://127.0.0.1:{port}?tls=none");
    bounded("mailto:dev@example.com", &[("CRIER_SMTP_URL", &smtp)]);
}

#[test]
fn several_destinations_share_nothing_but_each_keeps_its_deadline() {
    let slow = raw_server(trickle);
    let irc = format!("irc://crier@127.0.0.1:{slow}/builds");
    let http = format!("http://127.0.0.1:{slow}/hook");
    let env = [
        ("CRIER_DEADLINE", "2"),
        ("CRIER_TIMEOUT", "1.5"),
        ("CRIER_STATUS", "failure"),
    ];
    let (run, took) = crier_timed(
        &["--to", &irc, "--to", &http],
        &env,
        Duration::from_secs(20),
    );
    assert!(
        took <= Duration::from_secs_f64(DEADLINE) + SLACK,
        "{took:?}"
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("[1] irc") && run.stderr.contains("[2] webhook"));
}

#[test]
fn a_deadline_or_timeout_too_small_for_an_attempt_is_a_usage_error() {
    for (setting, value) in [
        ("--deadline", "0.0001"),
        ("--timeout", "0.0009"),
        ("--timeout", "1e-9"),
    ] {
        let run = crier(
            &[
                "--print-payload",
                "--to",
                "https://x.example/h",
                setting,
                value,
            ],
            &[],
        );
        assert_eq!(run.code, 2, "{setting} {value}: {}", run.stderr);
        assert!(
            run.stderr.contains(setting.trim_start_matches('-')) && run.stderr.contains(value),
            "{}",
            run.stderr
        );
    }
    let run = crier(
        &[
            "--print-payload",
            "--to",
            "https://x.example/h",
            "--timeout",
            "0.001",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}
