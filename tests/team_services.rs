//! Gotify, Rocket.Chat, Zulip and Webex through loopback stand-ins answering as each one's
//! API documentation says: the request checked (method, path, headers, body fields), hostile
//! commit text, the service's error answer, and an edit where the API has one.

mod common;

use common::{crier, github_env, pairs, push_event, Answer, Server, TempDir};
use serde_json::Value;

const HOSTILE: &str = "Ping @all @here @**all** and see [https://github.com/acme/app](https://evil.example/phish) <b>x</b>";

/// A failed push of the hostile commit, sent to `to`; the run and the last request.
fn run(server: &Server, to: &str, extra: &[&str]) -> (common::Run, common::Request) {
    let dir = TempDir::new();
    let env = github_env(&dir, "push", &push_event(HOSTILE));
    let mut args = vec!["--to", to, "--status", "failure", "--retries", "0"];
    args.extend(extra);
    let run = crier(&args, &pairs(&env));
    let request = server
        .requests()
        .last()
        .cloned()
        .unwrap_or_else(|| panic!("nothing sent: {}", run.stderr));
    (run, request)
}

fn form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), common::percent_decode(&v.replace('+', " "))))
        .collect()
}

#[test]
fn gotify_gets_markdown_with_the_token_in_a_header() {
    let token = "AoQw3sGm4Xk.P2q";
    let server = Server::always(Answer::body(
        200,
        r#"{"id":25,"appid":5,"message":"…","title":"…","priority":8,"date":"2026-12-01T10:00:00Z"}"#,
    ));
    let to = format!("gotify+{}?token={token}", server.url("/message"));
    let (run, request) = run(&server, &to, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("POST", "/message")
    );
    assert_eq!(request.header("x-gotify-key"), Some(token));
    let body = request.json();
    assert_eq!(body["priority"], 8);
    assert_eq!(
        body["extras"]["client::display"]["contentType"],
        "text/markdown"
    );
    assert_eq!(
        body["extras"]["client::notification"]["click"]["url"],
        "https://github.com/acme/widgets/actions/runs/9876543210"
    );
    assert!(
        !body["message"].as_str().unwrap().contains("](https://evil"),
        "{body}"
    );
    assert!(!run.all_output().contains(token));
    let refused = Server::always(Answer::body(
        401,
        r#"{"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token or user credentials to access this api"}"#,
    ));
    let to = format!("gotify+{}?token={token}", refused.url("/message"));
    let (run, _) = self::run(&refused, &to, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("valid access token"), "{}", run.stderr);
}

#[test]
fn rocketchat_gets_an_attachment_with_mentions_made_inert() {
    let server = Server::always(Answer::body(200, r#"{"success":true}"#));
    let to = format!("rocketchat+{}", server.url("/hooks/6xJk/Tok3nRocket"));
    let (run, request) = run(&server, &to, &["--username", "CI"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(request.target, "/hooks/6xJk/Tok3nRocket");
    let body = request.json();
    assert_eq!(body["alias"], "CI");
    assert_eq!(body["attachments"][0]["color"], "#e01e5a");
    let text = body["attachments"][0]["text"].as_str().unwrap();
    assert!(
        !text.contains("@all") && !text.contains("@here") && !text.contains("](https://evil"),
        "{text}"
    );
    assert!(!run.all_output().contains("Tok3nRocket"));
    let refused = Server::always(Answer::body(
        200,
        r#"{"success":false,"error":"overriding destination channel is disabled for this integration"}"#,
    ));
    let to = format!("rocketchat+{}", refused.url("/hooks/6xJk/Tok3nRocket"));
    let (run, _) = self::run(&refused, &to, &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("overriding destination channel"),
        "{}",
        run.stderr
    );
}

#[test]
fn zulip_gets_a_stream_message_form_with_basic_auth_and_can_edit_it() {
    let server = Server::always(Answer::body(
        200,
        r#"{"result":"success","msg":"","id":4242}"#,
    ));
    let to = format!(
        "zulip+{}",
        server
            .url("/api/v1/messages?stream=builds")
            .replace("http://", "http://ci-bot%40example.com:K3yZul1pSecret@")
    );
    let dir = TempDir::new();
    let output = dir.file("output");
    let env = github_env(&dir, "push", &push_event(HOSTILE));
    let mut env = env;
    env.push(("GITHUB_OUTPUT".into(), output.clone()));
    let run = crier(&["--to", &to, "--status", "failure"], &pairs(&env));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let request = &server.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("POST", "/api/v1/messages")
    );
    assert!(request
        .header("content-type")
        .unwrap()
        .starts_with("application/x-www-form-urlencoded"));
    use base64::Engine;
    let basic =
        base64::engine::general_purpose::STANDARD.encode("ci-bot@example.com:K3yZul1pSecret");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
    let fields = form(&request.body);
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(get("type"), "stream");
    assert_eq!(get("to"), "builds");
    assert_eq!(get("topic"), "acme/widgets@main");
    let content = get("content");
    assert!(
        content.starts_with("**❌ CI failed: acme/widgets@main**"),
        "{content}"
    );
    assert!(
        !content.contains("@**all**") && !content.contains("](https://evil"),
        "{content}"
    );
    assert!(
        !run.all_output().contains("K3yZul1pSecret"),
        "{}",
        run.all_output()
    );
    assert!(std::fs::read_to_string(&output)
        .unwrap()
        .contains("message-id=zulip:4242\n"));
    // An edit is a PATCH of the message's content.
    let run = crier(
        &["--to", &to, "--status", "success", "--update", "zulip:4242"],
        &pairs(&env),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let edit = &server.requests()[1];
    assert_eq!(
        (edit.method.as_str(), edit.target.as_str()),
        ("PATCH", "/api/v1/messages/4242")
    );
    assert!(
        form(&edit.body).iter().all(|(k, _)| k == "content"),
        "{}",
        edit.body
    );
    let refused = Server::always(Answer::body(
        400,
        r#"{"result":"error","msg":"Stream 'builds' does not exist","code":"STREAM_DOES_NOT_EXIST","stream":"builds"}"#,
    ));
    let to = format!(
        "zulip+{}",
        refused
            .url("/api/v1/messages?stream=builds")
            .replace("http://", "http://ci-bot%40example.com:K3yZul1pSecret@")
    );
    let (run, _) = self::run(&refused, &to, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
}

#[test]
fn webex_gets_markdown_from_a_bot_and_an_edit_puts_it_again() {
    let token = "NzYzYjM0N2YtZjFlYi00YmYzLTk1NTAt";
    let server = Server::always(Answer::body(
        200,
        r#"{"id":"Y2lzY29zcGFyazovL3VzL01FU1NBR0UvOTJkYjNiZTAt","roomId":"Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQt","roomType":"group","created":"2026-12-01T10:00:00.000Z"}"#,
    ));
    let to = format!(
        "webex+{}?roomId=Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQt&token={token}",
        server.url("/v1/messages")
    );
    let (run, request) = run(&server, &to, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("POST", "/v1/messages")
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    let body: Value = request.json();
    assert_eq!(body["roomId"], "Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQt");
    assert!(
        body["markdown"]
            .as_str()
            .unwrap()
            .starts_with("**❌ CI failed"),
        "{body}"
    );
    assert!(!body["markdown"]
        .as_str()
        .unwrap()
        .contains("](https://evil"));
    assert!(!run.all_output().contains(token));
    let (run, edit) = self::run(
        &server,
        &to,
        &[
            "--update",
            "webex:Y2lzY29zcGFyazovL3VzL01FU1NBR0UvOTJkYjNiZTAt",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (edit.method.as_str(), edit.target.as_str()),
        (
            "PUT",
            "/v1/messages/Y2lzY29zcGFyazovL3VzL01FU1NBR0UvOTJkYjNiZTAt"
        )
    );
}

#[test]
fn a_webex_incoming_webhook_gets_the_same_markdown_and_is_never_edited() {
    let token = "Wx7hookZ2lzY29zcGFyazovL3VzL1dFQkhPT0svNjEyZjM4ODAt";
    let server = Server::always(Answer::status(204));
    let to = format!(
        "webex+{}",
        server.url(&format!("/v1/webhooks/incoming/{token}"))
    );
    let (run, request) = run(&server, &to, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (request.method.as_str(), request.target.clone()),
        ("POST", format!("/v1/webhooks/incoming/{token}"))
    );
    assert_eq!(request.header("authorization"), None);
    let body: Value = request.json();
    assert!(body.get("roomId").is_none(), "{body}");
    let markdown = body["markdown"].as_str().unwrap();
    assert!(markdown.starts_with("**❌ CI failed"), "{body}");
    assert!(!markdown.contains("](https://evil"), "{markdown}");
    assert!(!run.all_output().contains(token));
    // A handle cannot turn a webhook's post into an edit: a new message goes out.
    let (run, again) = self::run(&server, &to, &["--update", "webex:Y2lzY29zcGFyazovL3Vz"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(again.method, "POST");
    // An error answer that quotes the URL shows it masked.
    let echo = Server::always(Answer::body(
        404,
        &format!(r#"{{"message":"no webhook /v1/webhooks/incoming/{token}"}}"#),
    ));
    let to = format!(
        "webex+{}",
        echo.url(&format!("/v1/webhooks/incoming/{token}"))
    );
    let (run, _) = self::run(&echo, &to, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.all_output().contains(token), "{}", run.all_output());
}

#[test]
fn the_short_forms_name_each_service_s_own_endpoint() {
    for (to, shown) in [
        (
            "gotify://push.example.com/AoQw3sGm4Xk",
            "gotify https://push.example.com/***",
        ),
        (
            "rocketchat://chat.example.com/6xJk/Tok3nRocket",
            "rocketchat https://chat.example.com/***",
        ),
        (
            "zulip://ci-bot%40example.com:K3yZul1p@acme.zulipchat.com?stream=builds",
            "zulip https://acme.zulipchat.com/***",
        ),
        (
            "webex://NzYzYjM0N2YtZjFlYi00YmYz@Y2lzY29zcGFyazovL3Vz",
            "webex https://webexapis.com/***",
        ),
    ] {
        let run = crier(&["--print-payload", "--to", to], &[]);
        assert_eq!(run.code, 0, "{to}: {}", run.stderr);
        assert!(run.stderr.contains(shown), "{to}: {}", run.stderr);
    }
}

#[test]
fn rocketchat_reads_shoutrrrs_channel_and_user_into_the_body_not_the_path() {
    let ca = common::TestCa::new();
    let server = Server::start_tls(Vec::new(), Answer::body(200, r#"{"success":true}"#), &ca);
    let host = format!("localhost:{}", server.port());
    for (to, channel, alias) in [
        (
            format!("rocketchat://crier@{host}/6xJk/Tok3nRocket/builds"),
            "#builds",
            Some("crier"),
        ),
        (
            format!("rocketchat://{host}/6xJk/Tok3nRocket/@alice"),
            "@alice",
            None,
        ),
        (
            format!("rocketchat://{host}/6xJk/Tok3nRocket/#ops"),
            "#ops",
            None,
        ),
    ] {
        let run = crier(
            &["--to", &to, "--status", "failure"],
            &[("SSL_CERT_FILE", &ca.ca_file())],
        );
        assert_eq!(run.code, 0, "{to}: {}", run.stderr);
        assert!(
            !run.all_output().contains("Tok3nRocket"),
            "{}",
            run.all_output()
        );
        let request = server.requests().pop().unwrap();
        assert_eq!(request.target, "/hooks/6xJk/Tok3nRocket", "{to}");
        let body = request.json();
        assert_eq!(body["channel"], channel, "{to}");
        if let Some(alias) = alias {
            assert_eq!(body["alias"], alias, "{body}");
        }
    }
}

/// Each service's mention syntax, written in a commit message, mentions no one: the
/// `mention` setting is the only way to notify.
#[test]
fn user_text_mentions_no_one_on_any_text_service() {
    let hostile = "hi @alice @all @here @channel <@all> <@personEmail:a@b.example> <!channel> \
                   @**all** @_**bob** <users/all> widgets@main";
    let dir = TempDir::new();
    let env = github_env(&dir, "push", &push_event(hostile));
    let words = [" @alice", " @all", " @here", " @channel"];
    let mattermost = [" @alice", " @all", " @here", " @channel", "<!channel>"];
    let cases: [(&str, &[&str]); 6] = [
        ("telegram://123:ABC/-100", &[" @alice"]),
        ("webex://Tok3n@room", &["<@all>", "<@personEmail"]),
        ("mattermost+https://chat.example.com/hooks/abc", &mattermost),
        ("rocketchat://chat.example.com/ID/Tok3n", &words),
        (
            "zulip://bot%40example.com:K3y@zulip.example.com?stream=builds",
            &["@**all**", "@_**bob**"],
        ),
        (
            "googlechat+https://chat.googleapis.com/v1/spaces/S/messages?key=k&token=t",
            &["<users/all>"],
        ),
    ];
    for (to, live) in cases {
        let run = crier(
            &[
                "--print-payload",
                "--status",
                "failure",
                "--message",
                "{{commit.message}}",
                "--to",
                to,
            ],
            &pairs(&env),
        );
        assert_eq!(run.code, 0, "{to}: {}", run.stderr);
        let text = common::percent_decode(&run.stdout.replace('+', " "));
        assert!(
            text.contains("widgets@main"),
            "{to}: the text is there: {text}"
        );
        for live in live {
            assert!(!text.contains(live), "{to}: {live:?} is live in {text}");
        }
    }
}
