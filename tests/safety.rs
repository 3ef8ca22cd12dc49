//! User text cannot break a payload or ping a channel, and secrets reach no output.

mod common;

use common::{crier, github_env, pairs, push_event_by, Answer, Server, TempDir, HOSTILE};
use serde_json::Value;

/// Every string in a JSON value, depth first.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

fn unescape_mrkdwn(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn a_hostile_commit_message_yields_valid_json_that_carries_it_faithfully() {
    let server = Server::always(Answer::body(200, "ok"));
    let dir = TempDir::new();
    let env = github_env(&dir, "push", &push_event_by(HOSTILE, HOSTILE));
    let custom = dir.write(
        "custom.json",
        "{\"text\": \"{{commit.message}}\", // comment\n \"raw\": {{json commit}},}",
    );
    let run = crier(
        &[
            "--to",
            &server.url("/generic"),
            "--to",
            &format!("slack+{}", server.url("/services/T/B/slack")),
        ],
        &[&pairs(&env)[..], &[("INPUT_STATUS", "failure")]].concat(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let custom_run = crier(
        &["--to", &server.url("/custom"), "--template", &custom],
        &[&pairs(&env)[..], &[("INPUT_STATUS", "failure")]].concat(),
    );
    assert_eq!(custom_run.code, 0, "{}", custom_run.stderr);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        // Valid JSON, and no HTML entities anywhere but Slack's own three.
        let value = request.json();
        for entity in ["&quot;", "&#x27;", "&#39;", "&#x60;", "&#x3D;"] {
            assert!(
                !request.body.contains(entity),
                "{} holds {entity}",
                request.target
            );
        }
        let mut texts = Vec::new();
        strings(&value, &mut texts);
        assert!(!texts.is_empty());
    }

    let by_target = |t: &str| requests.iter().find(|r| r.target == t).unwrap().json();
    let generic = by_target("/generic");
    assert_eq!(generic["commit"]["message"], HOSTILE);
    assert_eq!(generic["message"], HOSTILE);
    assert_eq!(generic["commit"]["author"]["name"], HOSTILE);

    let custom = by_target("/custom");
    assert_eq!(custom["text"], HOSTILE);
    assert_eq!(custom["raw"]["message"], HOSTILE);

    let slack = by_target("/services/T/B/slack");
    let mut texts = Vec::new();
    strings(&slack, &mut texts);
    // Nothing Slack would read as a mention or a disguised link survives.
    for text in &texts {
        for danger in ["<!channel>", "<!here>", "<https://evil"] {
            assert!(!text.contains(danger), "Slack text holds {danger}: {text}");
        }
    }
    // The message itself arrives whole once its entities are decoded.
    let section = slack["attachments"][0]["blocks"][0]["text"]["text"]
        .as_str()
        .unwrap();
    assert_eq!(unescape_mrkdwn(section), HOSTILE);
}

#[test]
fn a_gitlab_commit_message_is_carried_faithfully_too() {
    let server = Server::always(Answer::status(200));
    // Environment variables cannot hold NUL; everything else of the hostile text can.
    let message = HOSTILE.replace('\u{0}', "");
    let run = crier(
        &["--to", &server.url("/x")],
        &[
            ("GITLAB_CI", "true"),
            ("CI_JOB_STATUS", "failed"),
            ("CI_COMMIT_MESSAGE", &message),
            ("CI_COMMIT_AUTHOR", "Jane <jane@example.com>"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body = server.requests()[0].json();
    assert_eq!(body["commit"]["message"], message.as_str());
    assert_eq!(
        body["commit"]["title"],
        "Fix \"quotes\" and 'apostrophes' \\ backslashes"
    );
}

const SECRET_PATH: &str = "/services/T0SECRETTEAM/B0SECRETBOT/xoxSECRETTOKEN123";
const SECRET_PIECES: &[&str] = &["SECRETTEAM", "SECRETBOT", "SECRETTOKEN", "s3cr3tpass"];

fn assert_no_secret(what: &str, text: &str) {
    for piece in SECRET_PIECES {
        assert!(!text.contains(piece), "{what} leaks {piece}: {text}");
    }
}

/// Runs crier on GitHub with outputs and a summary, and checks no output holds a secret.
fn run_and_check(case: &str, args: &[&str], extra_env: &[(&str, &str)]) -> common::Run {
    let dir = TempDir::new();
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_OUTPUT", &dir.file("output")),
        ("GITHUB_STEP_SUMMARY", &dir.file("summary")),
        ("INPUT_STATUS", "failure"),
        ("INPUT_RETRIES", "1"),
    ];
    let run = crier(args, &[&env[..], extra_env].concat());
    assert_no_secret(&format!("{case}: stdout"), &run.stdout);
    assert_no_secret(&format!("{case}: stderr"), &run.stderr);
    assert_no_secret(&format!("{case}: outputs"), &dir.read("output"));
    assert_no_secret(&format!("{case}: summary"), &dir.read("summary"));
    run
}

#[test]
fn a_secret_webhook_path_reaches_no_output() {
    let ok = Server::always(Answer::body(200, "ok"));
    let echo = Server::always(
        Answer::body(500, "no such hook: {target} (see {target})").with_header("Retry-After", "0"),
    );
    let echo_404 = Server::always(Answer::body(
        404,
        "{\"error\": \"unknown webhook {target}\"}",
    ));
    let hang = Server::always(Answer::Hang);
    let redirect =
        Server::always(Answer::status(302).with_header("Location", "http://127.0.0.1:1/x"));
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    let cases: Vec<(&str, String, i32)> = vec![
        ("success", format!("slack+{}", ok.url(SECRET_PATH)), 0),
        ("server error echoing the URL", echo.url(SECRET_PATH), 1),
        ("client error echoing the URL", echo_404.url(SECRET_PATH), 1),
        ("redirect", redirect.url(SECRET_PATH), 1),
        ("timeout", hang.url(SECRET_PATH), 1),
        (
            "connection refused",
            format!("http://127.0.0.1:{closed_port}{SECRET_PATH}"),
            1,
        ),
        (
            "TLS to a plain server",
            format!(
                "https://127.0.0.1:{}{SECRET_PATH}",
                echo.url("")
                    .rsplit(':')
                    .next()
                    .unwrap()
                    .trim_end_matches('/')
            ),
            1,
        ),
        (
            "credentials in the URL",
            format!("http://user:s3cr3tpass@127.0.0.1:{closed_port}{SECRET_PATH}"),
            1,
        ),
    ];
    for (case, to, code) in &cases {
        let run = run_and_check(case, &["--to", to, "--timeout", "1"], &[]);
        assert_eq!(run.code, *code, "{case}: {}", run.stderr);
        assert!(
            run.stderr.contains("/***"),
            "{case}: the destination is shown masked: {}",
            run.stderr
        );
    }
    // Through the environment, in a dry run, and in a refused destination.
    let to = format!("slack+{}", ok.url(SECRET_PATH));
    let run = run_and_check("dry run", &["--print-payload"], &[("INPUT_TO", &to)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let to = format!("bogus+{}", ok.url(SECRET_PATH));
    let run = run_and_check("refused destination", &[], &[("INPUT_TO", &to)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = run_and_check("bad setting", &["--retries", "x"], &[("INPUT_TO", &to)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_secret_header_value_reaches_no_output() {
    let echo = Server::always(Answer::body(401, "bad token Bearer s3cr3tpass"));
    let run = run_and_check(
        "authorization header",
        &[
            "--to",
            &echo.url("/x"),
            "--headers",
            "Authorization: Bearer s3cr3tpass",
        ],
        &[],
    );
    assert_eq!(run.code, 1);
    let run = run_and_check(
        "authorization header without a colon",
        &[
            "--to",
            &echo.url("/x"),
            "--headers",
            "Authorization Bearer s3cr3tpass",
        ],
        &[],
    );
    assert_eq!(run.code, 2);
}
