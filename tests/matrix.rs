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
fn a_user_and_password_log_in_send_and_log_out_again() {
    let synapse = Synapse::start();
    let devices = || {
        let mut reply = ureq::get(&format!("{}/_matrix/client/v3/devices", synapse.url))
            .header("Authorization", &format!("Bearer {}", synapse.token))
            .call()
            .unwrap();
        let body: Value =
            serde_json::from_str(&reply.body_mut().read_to_string().unwrap()).unwrap();
        body["devices"].as_array().unwrap().len()
    };
    let before = devices();
    let host = synapse.url.trim_start_matches("http://");
    // crier's own form, and shoutrrr's, which names the room in its query.
    for (to, commit) in [
        (
            format!("matrix+http://crier:crier-password@{host}/%23builds:localhost"),
            "First by log-in",
        ),
        (
            format!("matrix://crier:crier-password@{host}/?rooms=builds:localhost&disableTLS=yes"),
            "Second by log-in",
        ),
    ] {
        let dir = TempDir::new();
        let env = github_env(&dir, "push", &push_event(commit));
        let run = crier(&["--to", &to, "--status", "failure"], &pairs(&env));
        assert_eq!(run.code, 0, "{to}: {}", run.stderr);
        assert!(
            !run.all_output().contains("crier-password"),
            "{}",
            run.all_output()
        );
        // The token the log-in gave is masked on GitHub (`::add-mask::`), and shown nowhere.
        let shown: Vec<&str> = run
            .stdout
            .lines()
            .chain(run.stderr.lines())
            .filter(|l| !l.starts_with("::add-mask::"))
            .collect();
        assert!(!shown.concat().contains("syt_"), "{}", run.all_output());
        assert!(run.stderr.contains("::add-mask::syt_"), "{}", run.stderr);
        let events = synapse.events();
        assert!(
            events.iter().any(|e| e["content"]["body"]
                .as_str()
                .is_some_and(|b| b.contains(commit))),
            "{to}: {events:?}"
        );
    }
    assert_eq!(devices(), before, "every log-in was logged out");
}

#[test]
fn a_log_in_is_made_once_per_destination_and_its_token_never_shown() {
    let learned = "syt_bGVhcm5lZA_SecretLearnedTok3n";
    let server = Server::start(
        vec![
            Answer::body(
                200,
                &format!(
                    r#"{{"user_id":"@ci:localhost","access_token":"{learned}","device_id":"CRIER"}}"#
                ),
            ),
            // A server that quotes the token it was sent in its error.
            Answer::body(
                502,
                &format!(
                    r#"{{"errcode":"M_UNKNOWN","error":"upstream refused Bearer {learned}"}}"#
                ),
            ),
        ],
        Answer::body(200, r#"{"event_id":"$abc123"}"#),
    );
    let to = format!(
        "matrix+{}/%21room",
        server.url("").replace("http://", "http://ci:hunter2pass@")
    );
    let run = crier(&["--to", &to, "--status", "failure", "--retries", "2"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.all_output().contains(learned), "{}", run.all_output());
    assert!(
        !run.all_output().contains("hunter2pass"),
        "{}",
        run.all_output()
    );
    let requests = server.requests();
    let targets: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(targets.len(), 4, "{targets:?}");
    assert_eq!(targets[0], "/_matrix/client/v3/login");
    let login = requests[0].json();
    assert_eq!(login["type"], "m.login.password");
    assert_eq!(login["identifier"]["user"], "ci");
    assert_eq!(login["password"], "hunter2pass");
    // The retry keeps the token, and so the transaction id means one message.
    assert_eq!(targets[1], targets[2]);
    assert!(targets[1].starts_with("/_matrix/client/v3/rooms/%21room/send/m.room.message/"));
    for r in &requests[1..] {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {learned}").as_str())
        );
    }
    assert_eq!(targets[3], "/_matrix/client/v3/logout");
}

#[test]
fn a_refused_log_in_is_not_retried() {
    let server = Server::always(Answer::body(
        403,
        r#"{"errcode":"M_FORBIDDEN","error":"Invalid username or password"}"#,
    ));
    let to = format!(
        "matrix+{}/%21room",
        server.url("").replace("http://", "http://ci:wrongpass1@")
    );
    let run = crier(&["--to", &to, "--status", "failure", "--retries", "3"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("refused the log-in"), "{}", run.stderr);
    assert_eq!(server.requests().len(), 1);
    assert!(!run.all_output().contains("wrongpass1"));
}
