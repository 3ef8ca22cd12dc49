//! Telegram through a loopback stand-in for the Bot API, answering as its documentation says
//! (`{"ok": true, "result": Message}`, `{"ok": false, "error_code", "description",
//! "parameters"}`).

mod common;

use common::{crier, github_env, pairs, push_event, Answer, Server, TempDir};
use serde_json::json;

const TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

fn sent(message_id: i64) -> Answer {
    Answer::body(
        200,
        &json!({"ok": true, "result": {"message_id": message_id, "date": 1_700_000_000,
        "chat": {"id": -1001234567890i64, "type": "supergroup", "title": "builds"}, "text": "…"}})
        .to_string(),
    )
}

fn to(server: &Server) -> String {
    format!(
        "telegram+{}?chat_id=-1001234567890&message_thread_id=7",
        server.url(&format!("/bot{TOKEN}"))
    )
}

#[test]
fn a_message_is_sent_as_the_bot_api_describes_it_with_user_text_escaped() {
    let server = Server::always(sent(42));
    let dir = TempDir::new();
    let output = dir.file("output");
    let hostile = "Fix <b>bold</b> & <a href=\"https://evil.example\">a link</a> \"quoted\"";
    let mut env = github_env(&dir, "push", &push_event(hostile));
    env.push(("GITHUB_OUTPUT".into(), output.clone()));
    let run = crier(&["--to", &to(&server), "--status", "failure"], &pairs(&env));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, format!("/bot{TOKEN}/sendMessage"));
    assert!(request
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let body = request.json();
    assert_eq!(body["chat_id"], -1001234567890i64);
    assert_eq!(body["message_thread_id"], 7);
    assert_eq!(body["parse_mode"], "HTML");
    let text = body["text"].as_str().unwrap();
    assert!(
        text.starts_with("<b>❌ CI failed: acme/widgets@main</b>"),
        "{text}"
    );
    assert!(
        text.contains(
            "Fix &lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href=&quot;https://evil.example&quot;&gt;"
        ),
        "{text}"
    );
    assert!(!text.contains("<a href=\"https://evil"), "{text}");
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(outputs.contains("message-id=telegram:42\n"), "{outputs}");
    assert!(
        !run.all_output()
            .contains("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
        "{}",
        run.all_output()
    );
}

#[test]
fn an_update_edits_the_message_and_an_unchanged_one_is_fine() {
    let server = Server::start(
        vec![Answer::body(
            400,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: message is not modified"}"#,
        )],
        sent(42),
    );
    let run = crier(
        &[
            "--to",
            &to(&server),
            "--status",
            "success",
            "--update",
            "telegram:42",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let request = &server.requests()[0];
    assert_eq!(request.target, format!("/bot{TOKEN}/editMessageText"));
    assert_eq!(request.json()["message_id"], 42);
    assert!(request.json().get("message_thread_id").is_none());
}

#[test]
fn a_200_with_ok_false_fails_and_a_429_waits_as_asked() {
    let refused = Server::always(Answer::body(
        200,
        r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
    ));
    let run = crier(
        &[
            "--to",
            &to(&refused),
            "--status",
            "failure",
            "--retries",
            "2",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("chat not found"), "{}", run.stderr);
    assert_eq!(refused.requests().len(), 1, "not retried");
    let limited = Server::start(
        vec![Answer::body(
            429,
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"#,
        )],
        sent(43),
    );
    let run = crier(
        &[
            "--to",
            &to(&limited),
            "--status",
            "failure",
            "--retries",
            "2",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = limited.requests();
    assert_eq!(requests.len(), 2);
    let waited = requests[1].at.duration_since(requests[0].at);
    assert!(waited.as_millis() >= 900, "{waited:?}");
    assert!(run.stderr.contains("as the server asks"), "{}", run.stderr);
}

#[test]
fn an_oversized_message_is_cut_within_telegram_s_limit() {
    let server = Server::always(sent(1));
    let dir = TempDir::new();
    let env = github_env(&dir, "push", &push_event(&"<&>\"".repeat(5000)));
    let run = crier(&["--to", &to(&server), "--status", "failure"], &pairs(&env));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body = server.requests()[0].json();
    let text = body["text"].as_str().unwrap();
    // What Telegram counts is the text after its entities are parsed.
    let visible = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&quot;", "\"");
    assert!(
        visible.chars().count() <= 4096,
        "{}",
        visible.chars().count()
    );
    assert!(run.stderr.contains("cut from"), "{}", run.stderr);
}

#[test]
fn the_short_form_and_bad_forms() {
    let run = crier(
        &[
            "--print-payload",
            "--to",
            &format!("telegram://{TOKEN}/-100555?thread=9"),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("\"chat_id\":-100555")
            && run.stdout.contains("\"message_thread_id\":9"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("telegram https://api.telegram.org/***"),
        "{}",
        run.stderr
    );
    for bad in [
        format!("telegram://{TOKEN}"),
        format!("telegram://{TOKEN}/-1?bogus=1"),
    ] {
        let run = crier(&["--print-payload", "--to", &bad], &[]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(!run.all_output().contains("AAHdqTcv"), "{}", run.stderr);
    }
}
