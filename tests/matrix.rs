//! Matrix against a real homeserver: Synapse, started here (tests/support/synapse.py) with a
//! user and a room with an alias. crier sends to the alias, edits its message, and what a
//! member of the room sees is read back through the client-server API.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::{crier, github_env, pairs, push_event, Answer, Server, TempDir};
use serde_json::Value;

struct Synapse {
    child: Child,
    url: String,
    token: String,
    room_id: String,
    _dir: TempDir,
}

impl Drop for Synapse {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

impl Synapse {
    fn start() -> Synapse {
        let dir = TempDir::new();
        let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/.synapse/bin/python");
        let python = if Path::new(venv).exists() {
            venv
        } else {
            "python3"
        };
        let mut child = Command::new(python)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/support/synapse.py"
            ))
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("Python runs Synapse");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ready: Value = serde_json::from_str(&line).unwrap_or_else(|_| {
            panic!("Synapse did not start (is matrix-synapse installed?): {line:?}")
        });
        Synapse {
            child,
            url: ready["url"].as_str().unwrap().to_owned(),
            token: ready["token"].as_str().unwrap().to_owned(),
            room_id: ready["room_id"].as_str().unwrap().to_owned(),
            _dir: dir,
        }
    }

    /// The room's latest events, newest first, as a member sees them.
    fn events(&self) -> Vec<Value> {
        let url = format!(
            "{}/_matrix/client/v3/rooms/{}/messages?dir=b&limit=20",
            self.url,
            self.room_id.replace('!', "%21")
        );
        let mut reply = ureq::get(&url)
            .header("Authorization", &format!("Bearer {}", self.token))
            .call()
            .unwrap();
        let body: Value =
            serde_json::from_str(&reply.body_mut().read_to_string().unwrap()).unwrap();
        body["chunk"].as_array().unwrap().clone()
    }
}

#[test]
fn a_member_of_the_room_sees_the_message_and_its_edit() {
    let synapse = Synapse::start();
    let dir = TempDir::new();
    let output = dir.file("output");
    let mut env = github_env(
        &dir,
        "push",
        &push_event("Fix <b>it</b> & @room [x](https://evil.example)"),
    );
    env.push(("GITHUB_OUTPUT".into(), output.clone()));
    let to = format!(
        "matrix+{}/%23builds:localhost",
        synapse
            .url
            .replace("http://", &format!("http://{}@", synapse.token))
    );
    let run = crier(&["--to", &to, "--status", "failure"], &pairs(&env));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.all_output().contains(&synapse.token),
        "{}",
        run.all_output()
    );
    let outputs = std::fs::read_to_string(&output).unwrap();
    let handle = outputs
        .lines()
        .find_map(|l| l.strip_prefix("message-id="))
        .unwrap_or_else(|| panic!("{outputs}"))
        .to_owned();
    let event_id = handle.strip_prefix("matrix:").unwrap().to_owned();

    let events = synapse.events();
    let sent = events
        .iter()
        .find(|e| e["event_id"] == event_id.as_str())
        .expect("the message is in the room");
    assert_eq!(sent["type"], "m.room.message");
    let content = &sent["content"];
    assert_eq!(content["msgtype"], "m.text");
    assert!(
        content["body"]
            .as_str()
            .unwrap()
            .starts_with("❌ CI failed: acme/widgets@main"),
        "{content}"
    );
    let html = content["formatted_body"].as_str().unwrap();
    assert!(
        html.starts_with("<strong>❌ CI failed: acme/widgets@main</strong>"),
        "{html}"
    );
    assert!(
        html.contains("Fix &lt;b&gt;it&lt;/b&gt; &amp; @room"),
        "{html}"
    );
    assert!(!html.contains("<a href=\"https://evil"), "{html}");
    // Intentional mentions only: "@room" in a commit notifies no one.
    assert_eq!(content["m.mentions"], serde_json::json!({}), "{content}");

    let run = crier(
        &["--to", &to, "--status", "success", "--update", &handle],
        &pairs(&env),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let events = synapse.events();
    let edit = events
        .iter()
        .find(|e| e["content"]["m.relates_to"]["rel_type"] == "m.replace")
        .expect("the edit is in the room");
    assert_eq!(
        edit["content"]["m.relates_to"]["event_id"],
        event_id.as_str()
    );
    let none = serde_json::json!({});
    assert_eq!(edit["content"]["m.mentions"], none, "{edit}");
    assert_eq!(
        edit["content"]["m.new_content"]["m.mentions"], none,
        "{edit}"
    );
    assert!(
        edit["content"]["m.new_content"]["body"]
            .as_str()
            .unwrap()
            .starts_with("✅ CI succeeded"),
        "{edit}"
    );
}

#[test]
fn a_retried_send_keeps_its_transaction_so_it_lands_once() {
    let server = Server::start(
        vec![
            Answer::status(502),
            Answer::body(
                429,
                r#"{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":200}"#,
            ),
        ],
        Answer::body(200, r#"{"event_id":"$abc123"}"#),
    );
    let to = format!(
        "matrix+{}/%21room",
        server.url("").replace("http://", "http://syt_Tok3n@")
    );
    let run = crier(&["--to", &to, "--status", "failure", "--retries", "3"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.method == "PUT" && r.target == requests[0].target),
        "{:?}",
        requests.iter().map(|r| &r.target).collect::<Vec<_>>()
    );
    assert!(requests[0]
        .target
        .starts_with("/_matrix/client/v3/rooms/%21room/send/m.room.message/crier-"));
    assert!(
        run.stderr.contains("retrying in 0.2 s as the server asks"),
        "{}",
        run.stderr
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer syt_Tok3n")
    );
}

#[test]
fn a_user_and_password_are_refused_with_the_form_to_use() {
    let server = Server::start(vec![], Answer::body(200, r#"{"event_id":"$abc123"}"#));
    let to = format!(
        "matrix+{}/%21room",
        server.url("").replace("http://", "http://bot:hunter2pass@")
    );
    let run = crier(&["--to", &to, "--status", "failure"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("matrix://ACCESS_TOKEN@HOMESERVER/ROOM"),
        "{}",
        run.stderr
    );
    assert!(
        !run.all_output().contains("hunter2pass"),
        "{}",
        run.all_output()
    );
    assert!(server.requests().is_empty());
}
