//! What Apprise's and shoutrrr's forms send, to loopback servers: the SMTP server, envelope,
//! security and credentials an e-mail form names, and the path, query and body of the HTTP
//! forms whose host can be a test's. A dry run cannot show these (secrets are masked there).

mod common;

use common::{
    crier, github_env, pairs, push_event, Answer, IrcServer, IrcWatcher, Server, SmtpServer,
    TempDir, TestCa,
};

/// A failed push run, sending to `to`, with `extra` settings.
fn send(to: &str, extra: &[(&str, &str)]) -> common::Run {
    let dir = TempDir::new();
    let mut env = github_env(&dir, "push", &push_event("Fix the <sprocket> @here"));
    env.push(("INPUT_STATUS".into(), "failure".into()));
    env.push(("INPUT_RETRIES".into(), "0".into()));
    crier(&["--to", to], &[&pairs(&env)[..], extra].concat())
}

#[test]
fn apprise_s_mailtos_logs_in_over_starttls_at_the_server_it_names() {
    let ca = TestCa::new();
    let (cert, key) = (ca.dir.file("server.pem"), ca.dir.file("server.key"));
    let server = SmtpServer::start(&["--starttls", &cert, &key, "--auth", "ci:s3cr3t/pw"]);
    let form = format!(
        "mailtos://ci:s3cr3t%2Fpw@example.com:{}/dev@example.com?smtp=localhost&to=ops@example.com&name=CI%20Bot",
        server.port
    );
    let run = send(&form, &[("SSL_CERT_FILE", &ca.ca_file())]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let received = server.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail["tls"], true);
    assert_eq!(mail["auth_user"], "ci");
    assert_eq!(mail["mail_from"], "ci@example.com");
    assert_eq!(
        mail["rcpt_tos"],
        serde_json::json!(["dev@example.com", "ops@example.com"])
    );
    assert_eq!(mail["from"], "CI Bot <ci@example.com>");
    assert!(!run.all_output().contains("s3cr3t"), "{}", run.all_output());
}

#[test]
fn apprise_s_plain_mailto_is_not_sent_in_clear_text() {
    // Apprise would fall back to plaintext here; crier asks for STARTTLS and so sends nothing.
    let server = SmtpServer::start(&[]);
    let form = format!(
        "mailto://ci:s3cr3tpw@127.0.0.1:{}?to=dev@example.com",
        server.port
    );
    let run = send(&form, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(server.received().is_empty());
    assert!(
        !run.all_output().contains("s3cr3tpw"),
        "{}",
        run.all_output()
    );
}

#[test]
fn shoutrrr_s_smtp_sends_with_its_sender_subject_and_encryption() {
    let server = SmtpServer::start(&[]);
    let form = format!(
        "smtp://127.0.0.1:{}/?fromAddress=ci@example.com&fromName=Builds&toAddresses=a@example.com,b@example.com&encryption=None&subject=Nightly",
        server.port
    );
    let run = send(&form, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let received = server.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail["tls"], false);
    assert_eq!(mail["mail_from"], "ci@example.com");
    assert_eq!(
        mail["rcpt_tos"],
        serde_json::json!(["a@example.com", "b@example.com"])
    );
    assert_eq!(mail["subject"], "Nightly");
    assert_eq!(mail["from"], "Builds <ci@example.com>");
}

#[test]
fn crier_s_own_smtp_destination_needs_no_other_setting() {
    let server = SmtpServer::start(&[]);
    let own = format!(
        "smtp://127.0.0.1:{}?to=dev@example.com&from=ci@example.com&tls=none",
        server.port
    );
    let run = send(&own, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        server.received()[0]["rcpt_tos"],
        serde_json::json!(["dev@example.com"])
    );
    for (bad, says) in [
        (
            "smtp://127.0.0.1:1?from=ci@example.com",
            "no recipients (?to=)",
        ),
        ("smtp://127.0.0.1:1?to=dev@example.com", "no sender (?from="),
        (
            "smtp://127.0.0.1:1?to=dev@example.com&from=ci@example.com&cc=x",
            "unknown option `cc`",
        ),
        (
            "smtp://127.0.0.1:1?to=not-an-address&from=ci@example.com",
            "not an e-mail address",
        ),
    ] {
        let run = send(bad, &[]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{bad}: {}", run.stderr);
    }
}

#[test]
fn apprise_s_rocket_chat_webhook_posts_to_each_channel() {
    let server = Server::always(Answer::body(200, r#"{"success":true}"#));
    let form = format!(
        "rocket://hookId1/hookTok3nSecret@127.0.0.1:{}/#builds/@ada",
        server.port()
    );
    let run = send(&form, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let mut channels: Vec<String> = requests
        .iter()
        .map(|r| {
            assert_eq!(r.method, "POST");
            assert_eq!(r.target, "/hooks/hookId1/hookTok3nSecret");
            r.json()["channel"].as_str().unwrap().to_owned()
        })
        .collect();
    channels.sort();
    assert_eq!(channels, ["#builds", "@ada"]);
    assert!(!run.all_output().contains("hookTok3nSecret"));
}

#[test]
fn apprise_s_workflows_and_shoutrrr_s_teams_reach_the_urls_they_abbreviate() {
    let ca = TestCa::new();
    let server = Server::start_tls(Vec::new(), Answer::status(202), &ca);
    let workflows = format!(
        "workflows://localhost:{}/wf643e69/Sig-Secret_9",
        server.port()
    );
    let teams = format!(
        "teams://g-1@t-2/a1b2/o-3/V2Extra?host=localhost:{}",
        server.port()
    );
    for form in [&workflows, &teams] {
        let run = send(form, &[("SSL_CERT_FILE", &ca.ca_file())]);
        // The connector form is answered 202, not `1`: what matters here is where it went.
        assert!(run.code <= 1, "{form}: {}", run.stderr);
        assert!(!run.all_output().contains("Sig-Secret_9"));
    }
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets[0],
        "/workflows/wf643e69/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Sig-Secret_9"
    );
    assert_eq!(
        targets[1],
        "/webhookb2/g-1@t-2/IncomingWebhook/a1b2/o-3/V2Extra"
    );
    assert_eq!(server.requests()[0].json()["type"], "message");
}

#[test]
fn apprise_s_zulip_form_sends_as_its_bot_to_each_stream() {
    let ca = TestCa::new();
    let server = Server::start_tls(
        Vec::new(),
        Answer::body(200, r#"{"result":"success","msg":"","id":42}"#),
        &ca,
    );
    let form = format!(
        "zulip://ci-bot@127.0.0.1:{}/ZulipKey0123456789abcdefABCDEF01/builds/deploys",
        server.port()
    );
    let run = send(&form, &[("SSL_CERT_FILE", &ca.ca_file())]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    use base64::Engine;
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "ci-bot@127.0.0.1:{}:ZulipKey0123456789abcdefABCDEF01",
            server.port()
        ))
    );
    let mut streams = Vec::new();
    for r in &requests {
        assert_eq!(r.target, "/api/v1/messages");
        assert_eq!(r.header("authorization"), Some(auth.as_str()));
        let to = r
            .body
            .split('&')
            .find_map(|p| p.strip_prefix("to="))
            .unwrap()
            .to_owned();
        streams.push(to);
    }
    streams.sort();
    assert_eq!(streams, ["builds", "deploys"]);
    assert!(!run.all_output().contains("ZulipKey0123"));
}

#[test]
fn apprise_s_and_shoutrrr_s_mattermost_forms_set_the_channel_and_name() {
    let server = Server::always(Answer::body(200, "ok"));
    let port = server.port();
    for form in [
        format!("mmost://ci-bot@127.0.0.1:{port}/mmTok3nSecret?channel=builds"),
        format!("mattermost://ci-bot@127.0.0.1:{port}/mmTok3nSecret/builds?disabletls=yes"),
    ] {
        let before = server.requests().len();
        let run = send(&form, &[]);
        assert_eq!(run.code, 0, "{form}: {}", run.stderr);
        let request = &server.requests()[before];
        assert_eq!(request.target, "/hooks/mmTok3nSecret", "{form}");
        let body = request.json();
        assert_eq!(body["channel"], "builds", "{form}: {body}");
        assert_eq!(body["username"], "ci-bot", "{form}: {body}");
        assert!(!run.all_output().contains("mmTok3nSecret"));
    }
}

#[test]
fn apprise_s_irc_form_with_two_channels_says_it_in_both() {
    let server = IrcServer::start(None);
    let builds = IrcWatcher::join(server.port, "watcher1", "#builds", None);
    let ops = IrcWatcher::join(server.port, "watcher2", "#ops", None);
    let form = format!("irc://crier@127.0.0.1:{}/#builds/#ops", server.port);
    let run = send(&form, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (watcher, channel) in [(&builds, "#builds"), (&ops, "#ops")] {
        let heard = watcher.heard_until(|h| {
            h.iter()
                .any(|(_, command, text)| command == "PRIVMSG" && text.contains("CI failed"))
        });
        assert!(
            heard
                .iter()
                .any(|(_, command, text)| command == "PRIVMSG" && text.contains("CI failed")),
            "{channel}: {heard:?}"
        );
    }
}

#[test]
fn generic_webhook_forms_keep_their_credentials_and_the_server_s_query() {
    use base64::Engine;
    let server = Server::always(Answer::status(200));
    let port = server.port();
    for form in [
        format!("json://ci:HookPassw0rd@127.0.0.1:{port}/hook?-source=crier&format=markdown"),
        format!("generic://ci:HookPassw0rd@127.0.0.1:{port}/hook?disabletls=yes&source=crier"),
    ] {
        let before = server.requests().len();
        let run = send(&form, &[]);
        assert_eq!(run.code, 0, "{form}: {}", run.stderr);
        let request = &server.requests()[before];
        assert_eq!(request.target, "/hook?source=crier", "{form}");
        let basic = base64::engine::general_purpose::STANDARD.encode("ci:HookPassw0rd");
        assert_eq!(
            request.header("authorization"),
            Some(format!("Basic {basic}").as_str()),
            "{form}"
        );
        assert!(!run.all_output().contains("HookPassw0rd"));
    }
}

#[test]
fn e_mail_options_of_other_tools_cannot_add_a_header() {
    // A sender's name with a line break is no address; a subject's line break is folded.
    let run = crier(
        &[
            "--print-payload",
            "--status",
            "failure",
            "--to",
            "mailtos://ci:pw@example.com?to=dev@example.com&name=CI%0D%0ABcc:%20evil@example.org",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    for form in [
        "smtp://mail.example.com:25/?fromAddress=ci@example.com&toAddresses=dev@example.com&subject=Hi%0D%0ABcc:%20evil@example.org",
        "smtp://mail.example.com:25?to=dev@example.com&from=ci@example.com&subject=Hi%0ABcc:%20evil@example.org",
    ] {
        let run = crier(&["--print-payload", "--status", "failure", "--to", form], &[]);
        assert_eq!(run.code, 0, "{form}: {}", run.stderr);
        assert!(
            !run.stdout.lines().any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{form}: {}",
            run.stdout
        );
        assert!(run.stdout.contains("Subject: Hi Bcc:"), "{}", run.stdout);
    }
}
