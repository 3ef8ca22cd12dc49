//! A secret is masked in every form it travels in, and only secrets are. The servers here
//! echo what they were sent in every encoding (raw, percent-decoded, base64-decoded,
//! JSON-escaped, split across a line break); the checks look for every form of every secret
//! in stdout, stderr, the step outputs and the summary.

mod common;

use base64::Engine;
use common::{crier, raw_server, Answer, Server, TempDir};
use std::io::{BufRead, BufReader, Write};

/// Every form a secret could be shown in, computed here independently of crier's redactor.
fn forms(secret: &str) -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let encode = |keep: &[u8]| {
        secret
            .bytes()
            .map(|b| match b {
                b if b.is_ascii_alphanumeric() || keep.contains(&b) => (b as char).to_string(),
                b => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let json = serde_json::to_string(secret).unwrap();
    vec![
        secret.to_owned(),
        encode(b"-._~"),
        encode(b"-._~/"),
        common::percent_decode(secret),
        json[1..json.len() - 1].to_owned(),
        b64.encode(secret),
    ]
}

/// Fails if any form of any secret is in `text`.
fn assert_hidden(text: &str, secrets: &[&str], what: &str) {
    for secret in secrets {
        for form in forms(secret) {
            assert!(
                !text.contains(&form),
                "{what}: {form:?} (a form of {secret:?}) leaked in:\n{text}"
            );
        }
    }
}

/// stdout, stderr, outputs and summary of a run on GitHub.
fn github_run(args: &[&str], env: &[(&str, &str)]) -> (common::Run, String) {
    let dir = TempDir::new();
    let output = dir.file("output");
    let summary = dir.file("summary");
    let mut all = vec![
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_OUTPUT", output.as_str()),
        ("GITHUB_STEP_SUMMARY", summary.as_str()),
        ("CRIER_STATUS", "failure"),
    ];
    all.extend_from_slice(env);
    let run = crier(args, &all);
    let files = format!(
        "{}\n{}",
        std::fs::read_to_string(&output).unwrap_or_default(),
        std::fs::read_to_string(&summary).unwrap_or_default()
    );
    (run, files)
}

#[test]
fn secrets_echoed_by_servers_in_any_encoding_stay_masked() {
    let server = Server::always(Answer::Echo(500));
    let base = server.url("");
    let host = base.trim_start_matches("http://");
    let to = [
        format!("http://hookuser:P%40ss%2Bw0rd9@{host}/hooks/Tok3nPathXyz?token=QuerySecret9"),
        format!("slack+{base}/services/T0AAA/B0BBB/SlackSecret123"),
        format!("discord+{base}/api/webhooks/1234/DiscordTok3n_x"),
        format!("pushover+{base}/1/messages.json?user=uPushUser1234&token=aPushTok5678"),
        format!("slack+{base}/api?channel=C0123CHAN"),
        format!("googlechat+{base}/v1/spaces/S/messages?key=GKey123abc&token=GTok456def"),
        // Another tool's form, a log-in whose password travels in a JSON body, a topic.
        format!("rocket://hookId1/RocketTok3nX@{host}/#builds"),
        format!("matrix+http://ci:MatrixPassw0rd9@{host}/%21room"),
        format!("ntfy+{base}/NtfyTopicSecret?token=tk_NtfyTok3n9"),
    ];
    let mut args = vec![];
    for t in &to {
        args.extend(["--to", t.as_str()]);
    }
    args.extend([
        "--headers",
        "X-Api-Key: HeaderKey42x",
        "--headers",
        "Authorization: Bearer BearerTok99x",
    ]);
    let (run, files) = github_run(
        &args,
        &[
            ("CRIER_RETRIES", "1"),
            ("CRIER_SLACK_TOKEN", "xoxb-11-SlackBotTok"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        server.requests().len() >= to.len(),
        "every destination was tried"
    );
    let secrets = [
        "Tok3nPathXyz",
        "QuerySecret9",
        "P@ss+w0rd9",
        "hookuser:P@ss+w0rd9",
        "SlackSecret123",
        "T0AAA/B0BBB",
        "DiscordTok3n_x",
        "uPushUser1234",
        "aPushTok5678",
        "xoxb-11-SlackBotTok",
        "GKey123abc",
        "GTok456def",
        "HeaderKey42x",
        "BearerTok99x",
        "Bearer BearerTok99x",
        "RocketTok3nX",
        "MatrixPassw0rd9",
        "NtfyTopicSecret",
        "tk_NtfyTok3n9",
    ];
    assert_hidden(&run.all_output(), &secrets, "stdout/stderr");
    assert_hidden(&files, &secrets, "outputs/summary");
    // The echoes did reach the report, whole and masked.
    let echoes: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("you sent:"))
        .collect();
    assert!(echoes.len() >= to.len(), "{}", run.stderr);
    assert!(echoes.iter().all(|l| !l.ends_with('…')), "{}", run.stderr);
}

#[test]
fn a_secret_past_the_first_200_characters_of_a_body_is_masked_before_any_cut() {
    let secret = "Zq9SecretTok3nZq9SecretTok3n";
    let body = format!("{}{secret}{}", "x".repeat(190), "y".repeat(3000));
    let server = Server::always(Answer::body(400, &body));
    let to = server.url(&format!("/hooks/{secret}"));
    let (run, files) = github_run(&["--to", &to], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_hidden(&run.all_output(), &[secret, &secret[..8]], "stderr");
    assert_hidden(&files, &[secret, &secret[..8]], "summary");
}

#[test]
fn only_secrets_are_masked_words_and_ids_survive() {
    // A legacy Teams URL whose path holds words: crier's own notice keeps them.
    let run = crier(
        &[
            "--print-payload",
            "--to",
            "https://outlook.office.com/webhook/a1b2c3d4/IncomingWebhook/e5f6a7b8/9c0d",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("(\"When a Teams webhook request is received\")"),
        "{}",
        run.stderr
    );
    // A channel id in the URL is not a secret: the handle that names it comes back whole.
    let server = Server::always(Answer::body(
        200,
        r#"{"ok":true,"channel":"C0123CHAN","ts":"1700000000.000100"}"#,
    ));
    let to = format!("slack+{}?channel=C0123CHAN", server.url("/api"));
    let (run, files) = github_run(&["--to", &to], &[("CRIER_SLACK_TOKEN", "xoxb-1-tok")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        files.contains("message-id=slack:C0123CHAN/1700000000.000100\n"),
        "{files}"
    );
}

/// A plaintext SMTP server that advertises AUTH `mechanism` and refuses any credentials,
/// echoing what it was sent, encoded and decoded.
fn smtp_echo(mechanism: &'static str) -> u16 {
    fn serve(stream: std::net::TcpStream, mechanism: &str) {
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        let _ = stream.write_all(b"220 echo.test ESMTP\r\n");
        let mut line = String::new();
        let mut said = Vec::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            let command = line.trim_end().to_owned();
            line.clear();
            let answer = if command.starts_with("EHLO") {
                format!("250-echo.test\r\n250 AUTH {mechanism}\r\n")
            } else if command.starts_with("AUTH LOGIN") {
                said.push(command.clone());
                "334 VXNlcm5hbWU6\r\n".to_owned()
            } else if command.starts_with("AUTH PLAIN") || said.len() >= 2 {
                said.push(command.clone());
                let mut echo = String::new();
                for blob in said.iter().flat_map(|s| s.split(' ')) {
                    let decoded = b64.decode(blob.trim()).unwrap_or_default();
                    echo.push_str(&format!("{blob} {} ", String::from_utf8_lossy(&decoded)));
                }
                format!(
                    "535-5.7.8 rejected {echo}\r\n535 5.7.8 {}\r\n",
                    said.join(" ")
                )
            } else if !said.is_empty() {
                said.push(command.clone());
                "334 UGFzc3dvcmQ6\r\n".to_owned()
            } else {
                "250 ok\r\n".to_owned()
            };
            if stream.write_all(answer.as_bytes()).is_err() {
                return;
            }
        }
    }
    match mechanism {
        "PLAIN" => raw_server(|s| serve(s, "PLAIN")),
        _ => raw_server(|s| serve(s, "LOGIN")),
    }
}

#[test]
fn smtp_auth_blobs_echoed_by_the_server_stay_masked() {
    for mechanism in ["PLAIN", "LOGIN"] {
        let port = smtp_echo(mechanism);
        // The password holds characters people paste unencoded.
        for password in ["hunter2%2Bx", "pa?ss#wo/rd9"] {
            let smtp = format!("smtp://mailer:{password}@127.0.0.1:{port}?tls=none");
            let (run, files) = github_run(
                &["--to", "mailto:dev@example.com"],
                &[
                    ("CRIER_SMTP_URL", smtp.as_str()),
                    ("CRIER_EMAIL_FROM", "ci@example.com"),
                    ("CRIER_RETRIES", "0"),
                ],
            );
            assert_eq!(run.code, 1, "{mechanism}: {}", run.stderr);
            assert!(run.stderr.contains("535"), "{}", run.stderr);
            let plain = common::percent_decode(password);
            let b64 = base64::engine::general_purpose::STANDARD;
            let blobs = [
                b64.encode(format!("\0mailer\0{plain}")),
                b64.encode(&plain),
                plain.clone(),
            ];
            let blobs: Vec<&str> = blobs.iter().map(String::as_str).collect();
            assert_hidden(&run.all_output(), &blobs, mechanism);
            assert_hidden(&files, &blobs, mechanism);
            for piece in ["pa?ss", "wo/rd9", "ss#wo"] {
                assert!(!run.all_output().contains(piece), "{}", run.all_output());
            }
        }
    }
}

#[test]
fn routes_file_variables_are_secrets_in_echoes_and_template_errors() {
    let server = Server::always(Answer::Echo(400));
    let dir = TempDir::new();
    let routes = dir.write(
        "routes.yml",
        "routes:\n  - to: ${HOOK}\n    vars: {token: \"${TEAM_TOKEN}\"}\n    template: '{\"t\": \"{{vars.token}}\"}'\n",
    );
    let hook = server.url("/plain/path");
    let env = [
        ("HOOK", hook.as_str()),
        ("TEAM_TOKEN", "team-tok3n-value"),
        ("CRIER_CONFIG", routes.as_str()),
    ];
    let (run, files) = github_run(&[], &env);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("you sent:"), "{}", run.stderr);
    assert_hidden(&run.all_output(), &["team-tok3n-value"], "echo");
    assert_hidden(&files, &["team-tok3n-value"], "echo");

    // A template that does not produce JSON is shown in an excerpt: masked there too.
    let broken = dir.write(
        "broken.yml",
        "routes:\n  - to: ${HOOK}\n    vars: {token: \"${TEAM_TOKEN}\"}\n    template: '{\"t\": {{vars.token}} }'\n",
    );
    let env = [
        ("HOOK", hook.as_str()),
        ("TEAM_TOKEN", "team-tok3n-value"),
        ("CRIER_CONFIG", broken.as_str()),
    ];
    let (run, _) = github_run(&["--print-payload"], &env);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not JSON"), "{}", run.stderr);
    assert_hidden(&run.all_output(), &["team-tok3n-value"], "excerpt");
}

#[test]
fn settings_that_can_hold_a_secret_are_never_quoted() {
    for (args, secrets) in [
        (
            vec!["--headers", "X-Api-Key=HeaderSecret123"],
            vec!["HeaderSecret123"],
        ),
        (
            vec!["--headers", "Authorization Bearer BearerSecret9"],
            vec!["BearerSecret9"],
        ),
        (
            vec!["--to", "pushover://uUserKey123:aAppTok456"],
            vec!["uUserKey123", "aAppTok456"],
        ),
        (
            vec![
                "--to",
                "mailto:a@example.com",
                "--smtp-url",
                "smtp://u:pa/ss9w@x:port",
            ],
            vec!["pa/ss9w"],
        ),
        (
            vec![
                "--to",
                "https://hooks.slack.com/services/T0/B0/SeCrEt42",
                "--template",
                "nope",
            ],
            vec!["SeCrEt42"],
        ),
    ] {
        let mut all = vec!["--print-payload"];
        all.extend(args.iter().copied());
        let run = crier(&all, &[("CRIER_EMAIL_FROM", "ci@example.com")]);
        assert_eq!(run.code, 2, "{all:?}: {}", run.stderr);
        assert_hidden(&run.all_output(), &secrets, &format!("{all:?}"));
    }
}

#[test]
fn text_from_servers_cannot_write_workflow_commands() {
    let injected = "bad\n::add-mask::x\n::warning::pwned\r\n::set-output name=a::b";
    let slack = Server::always(Answer::body(
        200,
        &serde_json::json!({"ok": false, "error": injected}).to_string(),
    ));
    let pushover = Server::always(Answer::body(
        400,
        &serde_json::json!({"status": 0, "errors": [injected]}).to_string(),
    ));
    let webhook = Server::always(Answer::body(500, injected));
    let slack_to = format!("slack+{}?channel=C1", slack.url("/api"));
    let pushover_to = format!(
        "pushover+{}?user=U123456&token=T123456",
        pushover.url("/1/m.json")
    );
    let webhook_to = webhook.url("/h");
    let (run, files) = github_run(
        &["--to", &slack_to, "--to", &pushover_to, "--to", &webhook_to],
        &[("CRIER_SLACK_TOKEN", "xoxb-2-tok"), ("CRIER_RETRIES", "1")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.matches("pwned").count() >= 3, "{}", run.stderr);
    for line in run.stderr.lines().chain(run.stdout.lines()) {
        let line = line.trim_start();
        if line.starts_with("::") {
            assert!(
                line.starts_with("::error::") || line.starts_with("::warning::"),
                "a workflow command from outside text: {line}"
            );
        }
        assert!(!line.starts_with("::warning::pwned") && !line.starts_with("::add-mask::"));
    }
    assert!(!files.contains("\n::"), "{files}");
}

/// Other tools' schemes put tokens where a host would be; a URL crier cannot read, or reads
/// wrongly, must not show that "host" while saying so.
#[test]
fn a_token_where_a_host_would_be_is_masked_in_a_url_crier_refuses() {
    let token = "Zx9kQ2mP7vL4nR8sT1wY3bC6dF0gH5jK";
    for to in [
        format!("wxteams://{token}"),
        format!("msteams://{token}/a1b2c3d4/e5f6a7b8"),
        format!("gotify://{token}"),
        format!("pagerduty://{token}/extra/parts"),
        format!("rocketchat://{token}"),
        format!("mailtos://{token}"),
    ] {
        let run = crier(
            &["--print-payload", "--status", "failure", "--to", &to],
            &[],
        );
        assert_eq!(run.code, 2, "{to}: {}", run.stderr);
        assert!(run.stderr.contains("destination 1"), "{to}: {}", run.stderr);
        assert_hidden(&run.all_output(), &[token], &to);
    }
}
