//! One message per run that updates itself: Slack's Web API (chat.postMessage, chat.update)
//! and Discord webhooks (POST ?wait=true, PATCH), handles through outputs, `update` and a
//! state file, threads, and the fallback for destinations that cannot edit.

mod common;

use common::{crier, Answer, Server, TempDir};

const TOKEN: &str = "xoxb-0000-s3cr3t-token";
const SLACK_POSTED: &str = r#"{"ok":true,"channel":"C0123","ts":"1700000000.000100","message":{}}"#;

fn slack_api(server: &Server) -> String {
    format!("slack+{}?channel=%23builds", server.url("/api"))
}

fn run(args: &[&str], output: &str) -> common::Run {
    crier(
        args,
        &[
            ("CRIER_SLACK_TOKEN", TOKEN),
            ("GITHUB_OUTPUT", output),
            ("CRIER_RETRIES", "0"),
        ],
    )
}

#[test]
fn a_slack_post_returns_a_handle_and_an_update_edits_that_message() {
    let server = Server::always(Answer::body(200, SLACK_POSTED));
    let dir = TempDir::new();
    let output = dir.file("output");

    let started = run(
        &["--to", &slack_api(&server), "--status", "started"],
        &output,
    );
    assert_eq!(started.code, 0, "{}", started.stderr);
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(
        outputs.contains("message-id-1=slack:C0123/1700000000.000100\n"),
        "{outputs}"
    );
    let post = &server.requests()[0];
    assert_eq!(post.target, "/api/chat.postMessage");
    assert_eq!(
        post.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(post.json()["channel"], "#builds");

    let finished = run(
        &[
            "--to",
            &slack_api(&server),
            "--status",
            "success",
            "--update",
            "slack:C0123/1700000000.000100",
        ],
        &output,
    );
    assert_eq!(finished.code, 0, "{}", finished.stderr);
    let update = &server.requests()[1];
    assert_eq!(update.target, "/api/chat.update");
    let body = update.json();
    assert_eq!(
        (body["channel"].as_str(), body["ts"].as_str()),
        (Some("C0123"), Some("1700000000.000100"))
    );
    // The whole message again, with the new status.
    assert_eq!(body["attachments"][0]["color"], "#2eb886");
    assert!(body["blocks"][0]["text"]["text"]
        .as_str()
        .unwrap()
        .contains("succeeded"));
    assert!(!format!("{}{}", started.all_output(), finished.all_output()).contains(TOKEN));
}

#[test]
fn slack_ok_false_is_a_failure_with_its_error() {
    let server = Server::always(Answer::body(
        200,
        r#"{"ok":false,"error":"channel_not_found"}"#,
    ));
    let dir = TempDir::new();
    let run = run(
        &["--to", &slack_api(&server), "--status", "failure"],
        &dir.file("output"),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("Slack: channel_not_found"),
        "{}",
        run.stderr
    );
    assert_eq!(server.requests().len(), 1, "not retried");
}

#[test]
fn a_discord_post_returns_a_handle_and_an_update_patches_it() {
    let server = Server::always(Answer::body(
        200,
        r#"{"id":"1100223344","channel_id":"99"}"#,
    ));
    let to = format!("discord+{}", server.url("/api/webhooks/42/tok"));
    let dir = TempDir::new();
    let output = dir.file("output");
    let started = run(&["--to", &to, "--status", "started"], &output);
    assert_eq!(started.code, 0, "{}", started.stderr);
    assert!(std::fs::read_to_string(&output)
        .unwrap()
        .contains("message-id-1=discord:1100223344\n"));

    let finished = run(
        &[
            "--to",
            &to,
            "--status",
            "failure",
            "--update",
            "discord:1100223344",
        ],
        &output,
    );
    assert_eq!(finished.code, 0, "{}", finished.stderr);
    let patch = &server.requests()[1];
    assert_eq!(patch.method, "PATCH");
    assert_eq!(patch.target, "/api/v10/webhooks/42/tok/messages/1100223344");
    let body = patch.json();
    assert_eq!(
        body["allowed_mentions"],
        serde_json::json!({"parse": []}),
        "re-sent on every edit"
    );
    assert_eq!(body["embeds"][0]["color"], 15158332);
}

#[test]
fn a_state_file_carries_the_handles_from_one_step_to_the_next() {
    let slack = Server::always(Answer::body(200, SLACK_POSTED));
    let discord = Server::always(Answer::body(200, r#"{"id":"777"}"#));
    let dir = TempDir::new();
    let state = dir.file("crier-state.json");
    let discord_to = format!("discord+{}", discord.url("/api/webhooks/42/s3cr3tw3bh00k"));
    let args = |status: &'static str| {
        vec![
            "--to".to_owned(),
            slack_api(&slack),
            "--to".to_owned(),
            discord_to.clone(),
            "--state-file".to_owned(),
            state.clone(),
            "--status".to_owned(),
            status.to_owned(),
        ]
    };
    let first: Vec<String> = args("started");
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    assert_eq!(run(&first, &dir.file("o1")).code, 0);
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(
        saved.contains("slack:C0123/1700000000.000100") && saved.contains("discord:777"),
        "{saved}"
    );
    assert!(
        !saved.contains("s3cr3tw3bh00k"),
        "the state file holds no destination URL: {saved}"
    );
    // Keys are SHA-256 hashes of the destination, not a fast hash a guess could be checked with.
    let keys: serde_json::Value = serde_json::from_str(&saved).unwrap();
    for key in keys.as_object().unwrap().keys() {
        let hash = key.rsplit('-').next().unwrap();
        assert!(
            hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{key}"
        );
    }

    let second: Vec<String> = args("success");
    let second: Vec<&str> = second.iter().map(String::as_str).collect();
    let finished = run(&second, &dir.file("o2"));
    assert_eq!(finished.code, 0, "{}", finished.stderr);
    assert_eq!(slack.requests()[1].target, "/api/chat.update");
    assert_eq!(slack.requests()[1].json()["ts"], "1700000000.000100");
    assert_eq!(discord.requests()[1].method, "PATCH");
    assert_eq!(
        discord.requests()[1].target,
        "/api/v10/webhooks/42/s3cr3tw3bh00k/messages/777"
    );
}

#[test]
fn an_incoming_webhook_posts_a_new_message_and_says_why() {
    let server = Server::always(Answer::body(200, "ok"));
    let dir = TempDir::new();
    let to = format!("slack+{}", server.url("/services/T/B/X"));
    let run = run(
        &[
            "--to",
            &to,
            "--status",
            "success",
            "--update",
            "slack:C0123/1700000000.000100",
        ],
        &dir.file("o"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.requests()[0].target, "/services/T/B/X");
    assert!(server.requests()[0].json().get("ts").is_none());
    assert!(
        run.stderr.contains("cannot edit a message"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_thread_reply_goes_under_the_run_s_message() {
    let slack = Server::always(Answer::body(200, SLACK_POSTED));
    let discord = Server::always(Answer::body(200, r#"{"id":"5"}"#));
    let dir = TempDir::new();
    let run = run(
        &[
            "--to",
            &slack_api(&slack),
            "--status",
            "failure",
            "--thread",
            "slack:C0123/1700000000.000100",
        ],
        &dir.file("o"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body = slack.requests()[0].json();
    assert_eq!(body["thread_ts"], "1700000000.000100");
    assert_eq!(slack.requests()[0].target, "/api/chat.postMessage");

    let to = format!("discord+{}", discord.url("/api/webhooks/42/tok"));
    let code = crier(
        &["--to", &to, "--status", "failure", "--thread", "8888"],
        &[],
    )
    .code;
    assert_eq!(code, 0);
    assert_eq!(
        discord.requests()[0].target,
        "/api/v10/webhooks/42/tok?thread_id=8888&wait=true"
    );
}
