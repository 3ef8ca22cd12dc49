//! The services of the chat, push and on-call APIs, each against a loopback stand-in that
//! answers as its documentation says, all put through the same trials: every status with a
//! hostile 100 KB commit message (the request stays within the service's documented limit),
//! the service's rate-limit answer (retried, waiting as asked where the answer says how long)
//! and its error answer (not retried, its text shown, no secret).

mod common;

use common::{crier, github_env, pairs, push_event, Answer, Request, Server, TempDir};
use serde_json::Value;

/// One service: how to reach a stand-in, and its answers.
struct Service {
    name: &'static str,
    url: fn(&Server) -> String,
    success: Answer,
    rate_limit: fn() -> Answer,
    /// How long the rate-limit answer asks to wait, as the run reports it.
    says_how_long: Option<&'static str>,
    error: Answer,
    /// Text of the error answer that the run shows.
    error_text: &'static str,
    /// The request's part that must fit and its limit, in bytes or characters.
    fits: fn(&Request) -> Vec<(&'static str, usize, usize)>,
}

const SECRET: &str = "Zz9SecretTok3n0";

fn chars(text: &str) -> usize {
    text.chars().count()
}

fn field(request: &Request, path: &[&str]) -> String {
    let mut value: Value = request.json();
    for key in path {
        value = match key.parse::<usize>() {
            Ok(i) => value[i].clone(),
            Err(_) => value[*key].clone(),
        };
    }
    value.as_str().unwrap_or_default().to_owned()
}

fn services() -> Vec<Service> {
    vec![
        Service {
            name: "telegram",
            url: |s| {
                format!(
                    "telegram+{}?chat_id=-100555",
                    s.url(&format!("/bot123:{SECRET}"))
                )
            },
            success: Answer::body(
                200,
                r#"{"ok":true,"result":{"message_id":7,"date":1700000000,"chat":{"id":-100555,"type":"supergroup"}}}"#,
            ),
            rate_limit: || {
                Answer::body(
                    429,
                    r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":0}}"#,
                )
            },
            says_how_long: None,
            error: Answer::body(
                400,
                r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
            ),
            error_text: "chat not found",
            fits: |r| {
                let text = field(r, &["text"]);
                vec![("text (characters)", chars(&text), 4096)]
            },
        },
        Service {
            name: "matrix",
            url: |s| {
                format!(
                    "matrix+{}/%21room:example.com",
                    s.url("")
                        .replace("http://", &format!("http://syt_{SECRET}@"))
                )
            },
            success: Answer::body(200, r#"{"event_id":"$YUwRidLecu:example.com"}"#),
            rate_limit: || {
                Answer::body(
                    429,
                    r#"{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":200}"#,
                )
            },
            says_how_long: Some("0.2 s"),
            error: Answer::body(
                403,
                r#"{"errcode":"M_FORBIDDEN","error":"User is not in the room"}"#,
            ),
            error_text: "not in the room",
            fits: |r| vec![("event (bytes)", r.body.len(), 65_536)],
        },
        Service {
            name: "ntfy",
            url: |s| format!("ntfy+{}?token=tk_{SECRET}", s.url("/builds")),
            success: Answer::body(
                200,
                r#"{"id":"hwQ2YpKdmg","time":1635528741,"event":"message","topic":"builds","message":"x"}"#,
            ),
            rate_limit: || {
                Answer::body(
                    429,
                    r#"{"code":42901,"http":429,"error":"limit reached: too many requests","link":"https://ntfy.sh/docs/publish/#limitations"}"#,
                )
            },
            says_how_long: None,
            error: Answer::body(
                401,
                r#"{"code":40101,"http":401,"error":"unauthorized","link":"https://ntfy.sh/docs/publish/#authentication"}"#,
            ),
            error_text: "unauthorized",
            fits: |r| vec![("message (bytes)", field(r, &["message"]).len(), 4096)],
        },
        Service {
            name: "gotify",
            url: |s| format!("gotify+{}?token=A{SECRET}", s.url("/message")),
            success: Answer::body(
                200,
                r#"{"id":25,"appid":5,"message":"x","title":"t","priority":8,"date":"2026-12-01T10:00:00Z"}"#,
            ),
            // Gotify documents no rate limit; a proxy in front of it answers in HTTP's terms.
            rate_limit: || Answer::status(429).with_header("Retry-After", "1"),
            says_how_long: Some("1.0 s"),
            error: Answer::body(
                401,
                r#"{"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token or user credentials to access this api"}"#,
            ),
            error_text: "valid access token",
            // Gotify documents no limit; the message stays what a phone shows.
            fits: |r| vec![("message (bytes)", field(r, &["message"]).len(), 16 * 1024)],
        },
        Service {
            name: "zulip",
            url: |s| {
                format!(
                    "zulip+{}?stream=ci",
                    s.url("/api/v1/messages")
                        .replace("http://", &format!("http://ci-bot%40example.com:{SECRET}@"))
                )
            },
            success: Answer::body(200, r#"{"result":"success","msg":"","id":42}"#),
            rate_limit: || {
                Answer::body(
                    429,
                    r#"{"result":"error","msg":"API usage exceeded rate limit","retry-after":0.2,"code":"RATE_LIMIT_HIT"}"#,
                )
            },
            says_how_long: Some("0.2 s"),
            error: Answer::body(
                400,
                r#"{"result":"error","msg":"Stream 'ci' does not exist","code":"STREAM_DOES_NOT_EXIST","stream":"ci"}"#,
            ),
            error_text: "does not exist",
            fits: |r| {
                let content = r
                    .body
                    .split('&')
                    .find_map(|p| p.strip_prefix("content="))
                    .map(|v| common::percent_decode(&v.replace('+', " ")))
                    .unwrap_or_default();
                vec![("content (characters)", chars(&content), 10_000)]
            },
        },
        Service {
            name: "rocketchat",
            url: |s| format!("rocketchat+{}", s.url(&format!("/hooks/hookId1/{SECRET}"))),
            success: Answer::body(200, r#"{"success":true}"#),
            rate_limit: || {
                Answer::body(
                    429,
                    r#"{"success":false,"error":"Error, too many requests. Please slow down. You must wait 1 seconds before trying this endpoint again. [error-too-many-requests]"}"#,
                )
            },
            says_how_long: None,
            error: Answer::body(
                400,
                r#"{"success":false,"error":"Invalid integration id or token provided."}"#,
            ),
            error_text: "Invalid integration",
            fits: |r| {
                vec![
                    ("text (characters)", chars(&field(r, &["text"])), 5000),
                    (
                        "attachment text (characters)",
                        chars(&field(r, &["attachments", "0", "text"])),
                        5000,
                    ),
                ]
            },
        },
        Service {
            name: "webex",
            url: |s| {
                format!(
                    "webex+{}?roomId=Y2lzY29zcGFyazovL3Vz&token={SECRET}",
                    s.url("/v1/messages")
                )
            },
            success: Answer::body(
                200,
                r#"{"id":"Y2lzY29zcGFyazovL3VzL01FU1NBR0U","roomId":"Y2lzY29zcGFyazovL3Vz","roomType":"group","created":"2026-12-01T10:00:00.000Z"}"#,
            ),
            rate_limit: || {
                Answer::body(
                    429,
                    r#"{"message":"Too Many Requests","trackingId":"ROUTER_1"}"#,
                )
                .with_header("Retry-After", "1")
            },
            says_how_long: Some("1.0 s"),
            error: Answer::body(
                404,
                r#"{"message":"Could not find a room with provided ID.","errors":[{"description":"Could not find a room with provided ID."}],"trackingId":"ROUTER_2"}"#,
            ),
            error_text: "Could not find a room",
            fits: |r| vec![("markdown (bytes)", field(r, &["markdown"]).len(), 7439)],
        },
        Service {
            name: "pagerduty",
            url: |s| {
                format!(
                    "pagerduty+{}?routing_key=R0utingKey{SECRET}abcdefABC",
                    s.url("/v2/enqueue")
                )
            },
            success: Answer::body(
                202,
                r#"{"status":"success","message":"Event processed","dedup_key":"acme"}"#,
            ),
            rate_limit: || Answer::status(429),
            says_how_long: None,
            error: Answer::body(
                400,
                r#"{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect (should be 32 characters)"]}"#,
            ),
            error_text: "Event object is invalid",
            // A resolve has no payload; a trigger's summary is what the incident shows.
            fits: |r| match field(r, &["event_action"]).as_str() {
                "trigger" => vec![
                    (
                        "summary (characters)",
                        chars(&field(r, &["payload", "summary"])),
                        1024,
                    ),
                    ("event (bytes)", r.body.len(), 512 * 1024),
                ],
                _ => vec![("event (bytes)", r.body.len(), 512 * 1024)],
            },
        },
    ]
}

/// A run of a push whose commit message is 100 KB of hostile text, with `args`.
fn run(to: &str, args: &[&str]) -> common::Run {
    let line = "Ping @all @here <!channel> <@U1> [x](https://evil.example) <b>é🎉</b> \"q\" \\ ";
    let huge = line.repeat(100_000 / line.len());
    let dir = TempDir::new();
    let env = github_env(&dir, "push", &push_event(&huge));
    let mut all = vec!["--to", to];
    all.extend(args);
    crier(&all, &pairs(&env))
}

#[test]
fn every_status_of_a_huge_hostile_commit_fits_each_service_s_limits() {
    for service in services() {
        let server = Server::always(service.success);
        let to = (service.url)(&server);
        for status in ["started", "success", "failure", "cancelled", "skipped"] {
            let before = server.requests().len();
            let run = run(&to, &["--status", status]);
            assert_eq!(run.code, 0, "{} {status}: {}", service.name, run.stderr);
            assert!(
                !run.all_output().contains(SECRET),
                "{}: {}",
                service.name,
                run.all_output()
            );
            for request in &server.requests()[before..] {
                for (part, size, limit) in (service.fits)(request) {
                    assert!(size > 0, "{} {status}: {part} is empty", service.name);
                    assert!(
                        size <= limit,
                        "{} {status}: {part} is {size}, over {limit}",
                        service.name
                    );
                }
            }
        }
        // PagerDuty is told of failures and fixes only; every other service of each status.
        let expected = if service.name == "pagerduty" { 2 } else { 5 };
        assert_eq!(server.requests().len(), expected, "{}", service.name);
    }
}

#[test]
fn each_service_s_rate_limit_answer_is_retried() {
    for service in services() {
        let server = Server::start(vec![(service.rate_limit)()], service.success);
        let to = (service.url)(&server);
        let run = run(&to, &["--status", "failure", "--retries", "1"]);
        assert_eq!(run.code, 0, "{}: {}", service.name, run.stderr);
        assert_eq!(
            server.requests().len(),
            2,
            "{}: {}",
            service.name,
            run.stderr
        );
        if let Some(wait) = service.says_how_long {
            assert!(
                run.stderr
                    .contains(&format!("retrying in {wait} as the server asks")),
                "{}: {}",
                service.name,
                run.stderr
            );
        }
        assert!(!run.all_output().contains(SECRET), "{}", run.all_output());
    }
}

#[test]
fn each_service_s_error_answer_is_shown_and_not_retried() {
    for service in services() {
        let server = Server::always(service.error);
        let to = (service.url)(&server);
        let run = run(&to, &["--status", "failure", "--retries", "2"]);
        assert_eq!(run.code, 1, "{}: {}", service.name, run.stderr);
        assert_eq!(
            server.requests().len(),
            1,
            "{}: {}",
            service.name,
            run.stderr
        );
        assert!(
            run.stderr.contains(service.error_text),
            "{}: {}",
            service.name,
            run.stderr
        );
        assert!(!run.all_output().contains(SECRET), "{}", run.all_output());
    }
}
