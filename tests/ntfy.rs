//! ntfy through a loopback stand-in answering as ntfy's documentation says (the message
//! JSON on success, `{"code", "http", "error", "link"}` on failure).

mod common;

use common::{crier, github_env, pairs, push_event, Answer, Server, TempDir};

const TOPIC: &str = "crier-builds-Xk2p9";
const TOKEN: &str = "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2";

fn published() -> Answer {
    Answer::body(
        200,
        r#"{"id":"hwQ2YpKdmg","time":1635528741,"expires":1635571941,"event":"message","topic":"crier-builds-Xk2p9","message":"…"}"#,
    )
}

#[test]
fn a_message_is_published_as_json_with_priority_tags_and_click() {
    let server = Server::always(published());
    let dir = TempDir::new();
    let env = github_env(&dir, "push", &push_event("Fix <b> & \"it\""));
    let to = format!("ntfy+{}?token={TOKEN}", server.url(&format!("/{TOPIC}")));
    for status in ["failure", "success", "started"] {
        let run = crier(&["--to", &to, "--status", status], &pairs(&env));
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            !run.all_output().contains(TOKEN) && !run.all_output().contains(TOPIC),
            "{}",
            run.all_output()
        );
    }
    let requests = server.requests();
    let first = &requests[0];
    assert_eq!(
        (first.method.as_str(), first.target.as_str()),
        ("POST", "/")
    );
    assert_eq!(
        first.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    for (request, (priority, tag)) in
        requests
            .iter()
            .zip([(4, "x"), (3, "white_check_mark"), (2, "rocket")])
    {
        let body = request.json();
        assert_eq!(body["topic"], TOPIC);
        assert_eq!(body["priority"], priority);
        assert_eq!(body["tags"][0], tag);
        assert_eq!(
            body["click"],
            "https://github.com/acme/widgets/actions/runs/9876543210"
        );
    }
    let body = requests[0].json();
    assert_eq!(body["title"], "❌ CI failed: acme/widgets@main");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Fix <b> & \"it\""),
        "plain text: {body}"
    );
}

#[test]
fn ntfy_s_errors_and_rate_limit_are_judged_as_ntfy_means_them() {
    let limited = Server::start(
        vec![Answer::body(429, r#"{"code":42901,"http":429,"error":"limit reached: too many requests","link":"https://ntfy.sh/docs/publish/#limitations"}"#)
            .with_header("Retry-After", "1")],
        published(),
    );
    let to = format!("ntfy+{}", limited.url(&format!("/{TOPIC}")));
    let run = crier(&["--to", &to, "--status", "failure", "--retries", "2"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(limited.requests().len(), 2);
    let refused = Server::always(Answer::body(
        401,
        r#"{"code":40101,"http":401,"error":"unauthorized","link":"https://ntfy.sh/docs/publish/#authentication"}"#,
    ));
    let to = format!("ntfy+{}", refused.url(&format!("/{TOPIC}")));
    let run = crier(&["--to", &to, "--status", "failure", "--retries", "2"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("unauthorized"), "{}", run.stderr);
    assert_eq!(refused.requests().len(), 1);
}

#[test]
fn the_short_form_goes_to_ntfy_sh_and_a_long_message_is_cut() {
    let run = crier(
        &[
            "--print-payload",
            "--to",
            &format!("ntfy://{TOPIC}"),
            "--message",
            &"x".repeat(9000),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("ntfy https://ntfy.sh/***"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.len() < 4096, "{}", run.stdout.len());
    assert!(run.stderr.contains("cut from 9000"), "{}", run.stderr);
}

#[test]
fn a_later_run_replaces_the_notification_through_its_sequence_id() {
    let server = Server::always(published());
    let dir = TempDir::new();
    let output = dir.file("output");
    let mut env = github_env(&dir, "push", &push_event("Ship it"));
    env.push(("GITHUB_OUTPUT".into(), output.clone()));
    let to = format!("ntfy+{}", server.url(&format!("/{TOPIC}")));
    let run = crier(&["--to", &to, "--status", "started"], &pairs(&env));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = server.requests()[0].clone();
    let sequence = first.json()["sequence_id"].as_str().unwrap().to_owned();
    assert!(sequence.starts_with("crier"), "{sequence}");
    assert_eq!(first.header("x-sequence-id"), Some(sequence.as_str()));
    // The handle is the sequence id, not the id of one revision.
    let outputs = std::fs::read_to_string(&output).unwrap();
    let handle = format!("ntfy:{sequence}");
    assert!(
        outputs.contains(&format!("message-id={handle}")),
        "{outputs}"
    );
    let run = crier(
        &["--to", &to, "--status", "success", "--update", &handle],
        &pairs(&env),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let edit = server.requests()[1].clone();
    assert_eq!(edit.json()["sequence_id"], sequence.as_str());
    assert_eq!(edit.header("x-sequence-id"), Some(sequence.as_str()));
    assert_eq!(edit.json()["tags"][0], "white_check_mark");
    // A handle that is not a sequence id is refused, and nothing is sent.
    let run = crier(
        &[
            "--to",
            &to,
            "--status",
            "success",
            "--update",
            "ntfy:../x y",
        ],
        &pairs(&env),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(server.requests().len(), 2);
}
