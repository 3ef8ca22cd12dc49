//! Every chat format against a loopback server that answers as that service does: success
//! answers, failures inside a 200, Discord's rate limits, mentions, limits, and Devtron's
//! templates.

mod common;

use std::time::Duration;

use common::{crier, github_env, pairs, push_event, Answer, Server, TempDir, HOSTILE};
use serde_json::{json, Value};

/// A GitHub run of a push with `message`, with `extra` settings.
fn github(dir: &TempDir, message: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env = github_env(dir, "push", &push_event(message));
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

/// Runs crier once to a loopback server for `format` that answers `answer`; returns the
/// run and the request the server received.
fn notify(
    format: &str,
    answer: Answer,
    env: &[(String, String)],
) -> (common::Run, common::Request) {
    let server = Server::always(answer);
    let to = format!("{format}+{}", server.url("/api/webhooks/1/t"));
    let run = crier(&["--to", &to], &pairs(env));
    assert_eq!(run.code, 0, "{format}: {}", run.stderr);
    let request = server
        .requests()
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{format}: nothing was received"));
    (run, request)
}

/// Each format with the answer its service gives on success.
fn services() -> Vec<(&'static str, Answer)> {
    vec![
        ("slack", Answer::body(200, "ok")),
        ("teams", Answer::status(202)),
        (
            "discord",
            Answer::body(200, r#"{"id": "1100223344", "channel_id": "99"}"#),
        ),
        ("ringcentral", Answer::body(200, r#"{"status":"OK"}"#)),
        (
            "googlechat",
            Answer::body(
                200,
                r#"{"name": "spaces/AAA/messages/BBB.CCC", "thread": {"name": "spaces/AAA/threads/T"}}"#,
            ),
        ),
        ("mattermost", Answer::body(200, "ok")),
    ]
}

#[test]
fn every_format_is_delivered_and_judged_as_its_service_answers() {
    let dir = TempDir::new();
    for (format, answer) in services() {
        let server = Server::always(answer);
        let path = if format == "discord" {
            "/api/webhooks/123/tok"
        } else {
            "/hook"
        };
        let to = format!("{format}+{}", server.url(path));
        let output = dir.file(&format!("output-{format}"));
        let env = github(
            &dir,
            "Add sprockets",
            &[
                ("INPUT_STATUS", "failure"),
                ("GITHUB_OUTPUT", output.as_str()),
            ],
        );
        let run = crier(&["--to", &to], &pairs(&env));
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{format}");
        let body = requests[0].json();
        let outputs = std::fs::read_to_string(&output).unwrap();
        assert!(outputs.contains("result=sent\n"), "{format}: {outputs}");
        match format {
            "slack" => assert_eq!(body["attachments"][0]["color"], "#e01e5a"),
            "teams" => {
                assert_eq!(body["type"], "message");
                assert_eq!(
                    body["attachments"][0]["contentType"],
                    "application/vnd.microsoft.card.adaptive"
                );
                assert_eq!(body["attachments"][0]["content"]["version"], "1.4");
                assert_eq!(
                    body["attachments"][0]["content"]["body"][0]["color"],
                    "attention"
                );
            }
            "discord" => {
                assert_eq!(requests[0].target, "/api/v10/webhooks/123/tok?wait=true");
                assert!(requests[0]
                    .header("user-agent")
                    .unwrap()
                    .starts_with("DiscordBot ("));
                assert_eq!(body["allowed_mentions"], json!({"parse": []}));
                assert_eq!(body["embeds"][0]["color"], 15158332);
                assert!(
                    outputs.contains("message-id=discord:1100223344\n"),
                    "{outputs}"
                );
                assert!(
                    outputs.contains("message-id-1=discord:1100223344\n"),
                    "{outputs}"
                );
            }
            "ringcentral" => {
                assert_eq!(body["activity"], "❌ CI failed: acme/widgets@main");
                assert_eq!(body["attachments"][0]["type"], "AdaptiveCard");
                assert_eq!(body["attachments"][0]["version"], "1.3");
            }
            "googlechat" => {
                assert_eq!(body["text"], "❌ CI failed: acme/widgets@main");
                assert_eq!(
                    body["cardsV2"][0]["card"]["header"]["title"],
                    "❌ CI failed: acme/widgets@main"
                );
                assert!(
                    outputs.contains("message-id=googlechat:spaces/AAA/messages/BBB.CCC\n"),
                    "{outputs}"
                );
            }
            "mattermost" => {
                assert_eq!(body["attachments"][0]["text"], "Add sprockets");
                assert!(
                    body.get("blocks").is_none(),
                    "Mattermost does not render Block Kit"
                );
            }
            other => unreachable!("{other}"),
        }
    }
}

#[test]
fn a_failure_inside_a_200_is_a_failure() {
    for (format, answer) in [
        (
            "ringcentral",
            Answer::body(200, r#"{"status":"error","message":"Invalid webhook"}"#),
        ),
        ("slack", Answer::body(200, "invalid_payload")),
        (
            "mattermost",
            Answer::body(200, "Unable to parse incoming data"),
        ),
    ] {
        let server = Server::always(answer);
        let run = crier(
            &[
                "--to",
                &format!("{format}+{}", server.url("/hook")),
                "--status",
                "success",
            ],
            &[],
        );
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert_eq!(server.requests().len(), 1, "{format}: not retried");
        assert!(run.stderr.contains("HTTP 200"), "{format}: {}", run.stderr);
    }
}

#[test]
fn discord_rate_limits_wait_the_body_s_retry_after() {
    // The body's float seconds win over the header's rounded-up whole seconds.
    let limited = Answer::body(
        429,
        r#"{"message": "You are being rate limited.", "retry_after": 0.3, "global": false}"#,
    )
    .with_header("Retry-After", "5");
    let server = Server::start(vec![limited], Answer::status(204));
    let to = format!("discord+{}", server.url("/api/webhooks/1/t"));
    let run = crier(&["--to", &to, "--status", "success"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_millis(280), "{waited:?}");
    assert!(
        waited < Duration::from_secs(3),
        "waited the header's 5 s instead: {waited:?}"
    );
    assert!(
        run.stderr.contains("retrying in 0.3 s as the server asks"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_gone_discord_webhook_is_not_retried() {
    let server = Server::always(Answer::body(
        404,
        r#"{"message": "Unknown Webhook", "code": 10015}"#,
    ));
    let run = crier(
        &[
            "--to",
            &format!("discord+{}", server.url("/api/webhooks/1/t")),
            "--status",
            "failure",
        ],
        &[],
    );
    assert_eq!(run.code, 1);
    assert_eq!(server.requests().len(), 1);
    assert!(
        run.stderr.contains("the webhook no longer exists"),
        "{}",
        run.stderr
    );
}

/// Every string in a JSON value.
fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn a_hostile_commit_message_stays_valid_and_harmless_in_every_format() {
    let dir = TempDir::new();
    let env = github(&dir, HOSTILE, &[("INPUT_STATUS", "failure")]);
    for (format, answer) in services() {
        let (_, request) = notify(format, answer, &env);
        let body = request.json();
        let texts = strings(&body);
        let all = texts.join("\n");
        // The message arrived (in the form of its destination's markup).
        assert!(
            all.contains("apostrophes"),
            "{format}: the message is missing"
        );
        assert!(
            !all.contains("&quot;") || format == "googlechat",
            "{format}: HTML entities in {all}"
        );
        match format {
            "slack" => assert!(
                !all.contains("<!channel>")
                    && !all.contains("<!here>")
                    && !all.contains("<https://evil")
            ),
            "discord" => assert_eq!(body["allowed_mentions"], json!({"parse": []})),
            "mattermost" => assert!(
                !all.contains("@everyone") && !all.contains("@here") && !all.contains("<!channel>")
            ),
            "googlechat" => assert!(
                !body["text"].as_str().unwrap().contains("<!channel>") && !all.contains("<b>bold")
            ),
            _ => {}
        }
    }
}

#[test]
fn a_commit_message_cannot_disguise_a_link_in_any_markdown_format() {
    let dir = TempDir::new();
    let disguised = "Fix [https://github.com/acme/app](https://evil.example/phish) and ]( too";
    let env = github(&dir, disguised, &[("INPUT_STATUS", "failure")]);
    for (format, answer) in services() {
        let (_, request) = notify(format, answer, &env);
        let all = strings(&request.json()).join("\n");
        assert!(
            all.contains("evil.example/phish"),
            "{format}: the text is missing: {all}"
        );
        // Markdown (Discord, Adaptive Cards, Mattermost) closes the link text with `](`;
        // Slack's and Google Chat's links need `<`.
        let markdown = !matches!(format, "slack" | "googlechat");
        assert!(
            !markdown || !all.contains("](https://evil"),
            "{format}: a live disguised link: {all}"
        );
        assert!(!all.contains("<https://evil"), "{format}: {all}");
    }
}

#[test]
fn a_ten_thousand_line_commit_message_still_yields_valid_messages_within_limits() {
    let dir = TempDir::new();
    let message: String = (0..10_000)
        .map(|i| format!("line {i}: <!channel> & \"quoted\" 🎉\n"))
        .collect();
    let env = github(
        &dir,
        &message,
        &[("INPUT_STATUS", "failure"), ("INPUT_MENTION", "<@123>")],
    );
    for (format, answer) in services() {
        let (run, request) = notify(format, answer, &env);
        assert!(
            run.stderr.contains("message cut from"),
            "{format}: the cut is reported: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("may refuse"),
            "{format}: {}",
            run.stderr
        );
        let body = request.json();
        let chars = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
        match format {
            "slack" => {
                let section = &body["attachments"][0]["blocks"][0]["text"]["text"];
                assert!(chars(section) <= 3000 && section.as_str().unwrap().ends_with('…'));
                assert!(chars(&body["blocks"][0]["text"]["text"]) <= 150);
            }
            "discord" => {
                let embed = &body["embeds"][0];
                assert!(chars(&embed["description"]) <= 4096);
                assert!(embed["description"].as_str().unwrap().ends_with('…'));
            }
            "teams" => assert!(
                request.body.len() <= 28 * 1024,
                "{} bytes",
                request.body.len()
            ),
            "googlechat" => assert!(request.body.len() <= 32_000),
            "mattermost" => assert!(chars(&body["attachments"][0]["text"]) <= 16_383),
            "ringcentral" => assert!(request.body.len() < 100_000),
            other => unreachable!("{other}"),
        }
    }
}

#[test]
fn mention_pings_only_on_failure_in_each_service_s_own_way() {
    let dir = TempDir::new();
    let cases: &[(&str, &str)] = &[
        ("slack", "<!subteam^S123>"),
        ("discord", "<@123456>"),
        ("teams", "ada@example.com"),
        ("googlechat", "<users/112233>"),
        ("mattermost", "@ada"),
        ("ringcentral", "![:Person](12345)"),
    ];
    for (format, mention) in cases {
        let answer = services().into_iter().find(|(f, _)| f == format).unwrap().1;
        for status in ["success", "failure"] {
            let env = github(
                &dir,
                "Add sprockets",
                &[("INPUT_STATUS", status), ("INPUT_MENTION", mention)],
            );
            let body = notify(format, answer.clone(), &env).1.json();
            let mentioned = strings(&body).iter().any(|s| s.contains(mention));
            assert_eq!(
                mentioned,
                status == "failure",
                "{format} on {status}: {body}"
            );
            if status == "failure" {
                match *format {
                    "slack" => assert!(body["attachments"][0]["blocks"][0]["text"]["text"]
                        .as_str()
                        .unwrap()
                        .starts_with("<!subteam^S123> ")),
                    "discord" => {
                        assert_eq!(body["content"], "<@123456>");
                        assert_eq!(
                            body["allowed_mentions"],
                            json!({"parse": [], "users": ["123456"]})
                        );
                    }
                    "teams" => {
                        let entity = &body["attachments"][0]["content"]["msteams"]["entities"][0];
                        assert_eq!(entity["text"], "<at>ada@example.com</at>");
                        assert_eq!(entity["mentioned"]["id"], "ada@example.com");
                    }
                    "mattermost" => assert_eq!(body["text"], "@ada"),
                    "googlechat" => {
                        assert!(body["text"].as_str().unwrap().ends_with(" <users/112233>"))
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Our own copies of the four sample payloads in Devtron's documentation, as Devtron users
/// would bring them (the RingCentral one has a trailing comma).
const DEVTRON_SLACK: &str = r#"{
    "text": "CI Triggered",
    "blocks": [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "Automation Notification for Devtron \n *App* : {{devtronAppName}} \n *Event Type* : {{eventType}}"
            },
            "accessory": {
                "type": "image",
                "image_url": "https://example.com/devtron-logo.png",
                "alt_text": "Devtron Logo"
            }
        }
    ]
}"#;
const DEVTRON_DISCORD: &str = r#"{
    "content": "Automation Notification at Devtron \n App : {{devtronAppName}} \n Event Type : {{eventType}}"
}"#;
const DEVTRON_TEAMS: &str = r#"{
    "type": "message",
    "attachments": [
        {
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.2",
                "body": [
                    {
                        "type": "TextBlock",
                        "text": "Automation Notification for Devtron \n *App* : {{devtronAppName}} \n *Event Type* : {{eventType}}"
                    }
                ]
            }
        }
    ]
}"#;
const DEVTRON_RINGCENTRAL: &str = r#"{
    "activity": "CI Triggered",
    "attachments": [
    {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.0",
        "body": [
        {
            "type": "TextBlock",
            "text": "Automation Notification at Devtron \n App: {{devtronAppName}} \n Event Type: {{eventType}}",
            "weight": "bolder",
            "size": "medium",
            "wrap": true
        },
        {
            "type": "ColumnSet",
            "columns": [
            {
                "type": "Column",
                "width": "auto",
                "items": [
                {
                    "type": "Image",
                    "url": "https://example.com/devtron-logo.png",
                    "size": "small",
                    "style": "person"
                }
                ]
            },
            {
                "type": "Column",
                "width": "stretch",
                "items": [
                {
                    "type": "TextBlock",
                    "text": "Container Image Repo: {{devtronContainerImageRepo}} \n Container Image Tag: {{devtronContainerImageTag}}",
                    "weight": "bolder",
                    "wrap": true
                },
                {
                    "type": "TextBlock",
                    "spacing": "none",
                    "text": "Triggered by: {{devtronTriggeredByEmail}}",
                    "isSubtle": true,
                    "wrap": true
                }
                ]
            }
            ]
        },
        ]
    }
    ]
}"#;

#[test]
fn devtron_templates_work_unchanged() {
    let dir = TempDir::new();
    let env = [
        ("GITLAB_CI", "true"),
        ("CI_PROJECT_PATH", "acme/widgets"),
        ("CI_PROJECT_NAME", "widgets"),
        ("CI_COMMIT_AUTHOR", "Ada <ada@example.com>"),
        ("CI_JOB_STATUS", "failed"),
        ("CRIER_IMAGE", "registry.example.com/acme/widgets:1.4.2"),
    ];
    for (format, answer, template) in [
        ("slack", Answer::body(200, "ok"), DEVTRON_SLACK),
        ("discord", Answer::status(204), DEVTRON_DISCORD),
        ("teams", Answer::status(202), DEVTRON_TEAMS),
        (
            "ringcentral",
            Answer::body(200, r#"{"status":"OK"}"#),
            DEVTRON_RINGCENTRAL,
        ),
    ] {
        let server = Server::always(answer);
        let file = dir.write(&format!("devtron-{format}.json"), template);
        let run = crier(
            &[
                "--to",
                &format!("{format}+{}", server.url("/api/webhooks/1/t")),
                "--template",
                &file,
            ],
            &env,
        );
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        let all = strings(&server.requests()[0].json()).join("\n");
        assert!(
            all.contains("App : widgets")
                || all.contains("App: widgets")
                || all.contains("*App* : widgets"),
            "{format}: {all}"
        );
        assert!(all.contains(": fail"), "{format}: eventType is fail: {all}");
        if format == "ringcentral" {
            assert!(all.contains("Container Image Repo: registry.example.com/acme/widgets \n Container Image Tag: 1.4.2"), "{all}");
            assert!(all.contains("Triggered by: ada@example.com"), "{all}");
        }
    }
}
