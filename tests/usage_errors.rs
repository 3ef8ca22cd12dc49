//! Usage, configuration and template errors: exit 2, a message that names the problem, and
//! nothing sent.

mod common;

use common::{crier, Answer, Server, TempDir};

/// Runs crier with `args` plus a good destination on `server`, and checks the run was refused
/// with a message containing every one of `expected`.
fn refused(server: &Server, args: &[&str], env: &[(&str, &str)], expected: &[&str]) {
    let to = server.url("/hook");
    let args = [&["--to", to.as_str()][..], args].concat();
    let run = crier(&args, &[env, &[("CRIER_STATUS", "failure")]].concat());
    assert_eq!(run.code, 2, "{args:?} should be refused: {}", run.stderr);
    for text in expected {
        assert!(
            run.stderr.contains(text),
            "{args:?}: {:?} lacks {text:?}",
            run.stderr
        );
    }
    assert!(run.stdout.is_empty(), "{args:?} printed {}", run.stdout);
    assert!(server.requests().is_empty(), "{args:?} sent a request");
}

#[test]
fn bad_settings_send_nothing() {
    let server = Server::always(Answer::status(200));
    let dir = TempDir::new();
    let not_json = dir.write("not-json.json", "{\"text\": {{commit.sha}} }");
    // The block is never closed: it is reported where it opens, on line 2.
    let broken = dir.write("broken.json", "{\n  \"text\": \"{{#if status}}\"\n}");
    let cases: &[(&[&str], &[&str])] = &[
        (&["--retries", "lots"], &["retries", "lots"]),
        (&["--retries", "-2"], &["retries", "-2"]),
        (&["--timeout", "ten"], &["timeout", "ten"]),
        (&["--timeout", "0"], &["timeout", "\"0\""]),
        (&["--deadline", "-5"], &["deadline", "-5"]),
        (&["--fail-on-error", "maybe"], &["fail-on-error", "maybe"]),
        (&["--dry-run", "sometimes"], &["dry-run", "sometimes"]),
        (&["--status", "exploded"], &["status", "exploded"]),
        (&["--on", "weekends"], &["on", "weekends"]),
        (&["--headers", "X-Team platform"], &["headers", "X-Team"]),
        (&["--vars", "no-equals-sign"], &["vars", "no-equals-sign"]),
        (
            &["--template", "/no/such/template.json"],
            &["template", "/no/such/template.json"],
        ),
        (
            &["--template", &broken],
            &[
                "broken.json",
                "line 2, column 12",
                "{{#if}} is never closed",
            ],
        ),
        (
            &["--template", &not_json],
            &["not-json.json", "line 1, column", "not JSON"],
        ),
        (
            &["--template", "{\"a\": {{json status}} oops}"],
            &["inline template", "not JSON"],
        ),
        (&["--title", "{{#each}}"], &["title", "syntax"]),
        (
            &["--event-file", "/no/such/event.json"],
            &["event-file", "/no/such/event.json"],
        ),
        (
            &["--to", "gopher://example.com/x"],
            &["destination 2", "gopher"],
        ),
        (
            &["--to", "carrier-pigeon+https://example.com/x"],
            &["unknown format `carrier-pigeon`"],
        ),
        (&["--to", "not a url"], &["destination 2", "not a URL"]),
        (&["--to", "slack://builds"], &["slack-token"]),
        (
            &["--config", "/no/such/routes.yml"],
            &["config", "/no/such/routes.yml"],
        ),
        (&["--no-such-flag"], &["--no-such-flag"]),
    ];
    for (args, expected) in cases {
        refused(&server, args, &[], expected);
    }
}

#[test]
fn bad_settings_from_the_environment_are_named_too() {
    let server = Server::always(Answer::status(200));
    refused(
        &server,
        &[],
        &[("INPUT_RETRIES", "x")],
        &["retries", "\"x\""],
    );
    refused(
        &server,
        &[],
        &[("PLUGIN_TIMEOUT", "soon")],
        &["timeout", "soon"],
    );
    refused(
        &server,
        &[],
        &[("CRIER_FAIL_ON_ERROR", "perhaps")],
        &["fail-on-error"],
    );
    refused(&server, &[], &[("CRIER_RETRYS", "2")], &["CRIER_RETRYS"]);
}

#[test]
fn no_destination_is_a_usage_error() {
    let run = crier(&["--status", "success"], &[("INPUT_TO", "")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("`to`"), "{}", run.stderr);
}

#[test]
fn on_github_a_usage_error_is_an_error_annotation() {
    let run = crier(
        &["--retries", "x"],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("INPUT_TO", "http://127.0.0.1:9/x"),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("::error::"), "{}", run.stderr);
}

#[test]
fn a_template_error_in_one_destination_sends_to_none() {
    let first = Server::always(Answer::status(200));
    let second = Server::always(Answer::status(200));
    // The Slack format's template is fine; the user's template breaks for every destination,
    // so neither may receive anything, including the one listed first.
    let run = crier(
        &[
            "--to",
            &first.url("/a"),
            "--to",
            &second.url("/b"),
            "--template",
            "{\"x\": {{{commit.message}}}}",
        ],
        &[("GITLAB_CI", "true"), ("CI_COMMIT_MESSAGE", "not json")],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(first.requests().is_empty() && second.requests().is_empty());
}

#[test]
fn help_and_version_answer_on_stdout() {
    let help = crier(&["--help"], &[]);
    assert_eq!(help.code, 0);
    for setting in [
        "--to",
        "--status",
        "--on",
        "--event",
        "--title",
        "--message",
        "--template",
        "--headers",
        "--vars",
        "--environment",
        "--image",
        "--mention",
        "--retries",
        "--timeout",
        "--deadline",
        "--fail-on-error",
        "--dry-run",
        "--event-file",
        "--email-from",
        "--email-subject",
        "--smtp-url",
        "--ses-region",
        "--ses-endpoint",
        "--config",
        "--slack-token",
        "--update",
        "--thread",
        "--state-file",
        "--print-payload",
        "--print-context",
    ] {
        assert!(help.stdout.contains(setting), "--help lacks {setting}");
    }
    let version = crier(&["--version"], &[]);
    assert_eq!(version.code, 0);
    assert_eq!(
        version.stdout.trim(),
        format!("crier {}", env!("CARGO_PKG_VERSION"))
    );
}
