//! PagerDuty through a stand-in for the Events API v2, answering as its documentation says
//! (`202 {"status":"success","message":"Event processed","dedup_key":…}`; `400` with
//! `"status":"invalid event"` and `errors`; `429` when throttled).

mod common;

use common::{crier, github_env, pairs, push_event, Answer, Server, TempDir};

const KEY: &str = "R0ut1ngKey0123456789abcdefABCDEF";

fn accepted() -> Answer {
    Answer::body(
        202,
        r#"{"status":"success","message":"Event processed","dedup_key":"acme/widgets/CI/main"}"#,
    )
}

#[test]
fn a_failure_triggers_and_the_fix_resolves_the_same_alert() {
    let server = Server::always(accepted());
    let dir = TempDir::new();
    let env = github_env(&dir, "push", &push_event("Break <everything> & \"more\""));
    let to = format!("pagerduty+{}?routing_key={KEY}", server.url("/v2/enqueue"));
    for status in ["failure", "success", "started"] {
        let run = crier(&["--to", &to, "--status", status], &pairs(&env));
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.all_output().contains(KEY), "{}", run.all_output());
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "started is not sent");
    let (trigger, resolve) = (requests[0].json(), requests[1].json());
    assert_eq!(
        requests[0].target, "/v2/enqueue",
        "the key is not left in the URL"
    );
    assert_eq!(trigger["routing_key"], KEY);
    assert_eq!(trigger["event_action"], "trigger");
    assert_eq!(trigger["payload"]["severity"], "error");
    assert_eq!(
        trigger["payload"]["summary"],
        "❌ CI failed: acme/widgets@main"
    );
    assert_eq!(trigger["payload"]["source"], "acme/widgets");
    assert_eq!(
        trigger["payload"]["custom_details"]["message"],
        "Break <everything> & \"more\""
    );
    assert_eq!(
        trigger["links"][0]["href"],
        "https://github.com/acme/widgets/actions/runs/9876543210"
    );
    assert_eq!(resolve["event_action"], "resolve");
    assert_eq!(resolve["dedup_key"], trigger["dedup_key"]);
    assert_eq!(trigger["dedup_key"], "acme/widgets/CI/main");
}

#[test]
fn invalid_events_fail_and_throttling_is_retried() {
    let invalid = Server::always(Answer::body(
        400,
        r#"{"status":"invalid event","message":"Event object is invalid","errors":["'payload.summary' is missing or blank"]}"#,
    ));
    let to = format!("pagerduty+{}?routing_key={KEY}", invalid.url("/v2/enqueue"));
    let run = crier(&["--to", &to, "--status", "failure", "--retries", "2"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("Event object is invalid"),
        "{}",
        run.stderr
    );
    assert_eq!(invalid.requests().len(), 1);
    let throttled = Server::start(
        vec![Answer::status(429).with_header("Retry-After", "0")],
        accepted(),
    );
    let to = format!(
        "pagerduty+{}?routing_key={KEY}",
        throttled.url("/v2/enqueue")
    );
    let run = crier(&["--to", &to, "--status", "failure", "--retries", "2"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(throttled.requests().len(), 2);
    let odd = Server::always(Answer::body(202, r#"{"status":"queued?"}"#));
    let to = format!("pagerduty+{}?routing_key={KEY}", odd.url("/v2/enqueue"));
    assert_eq!(
        crier(&["--to", &to, "--status", "failure", "--retries", "0"], &[]).code,
        1
    );
}

#[test]
fn the_short_form_goes_to_pagerduty_s_endpoint() {
    let run = crier(
        &[
            "--print-payload",
            "--to",
            &format!("pagerduty://{KEY}"),
            "--status",
            "failure",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("pagerduty https://events.pagerduty.com/***"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("\"event_action\":\"trigger\""),
        "{}",
        run.stdout
    );
    let run = crier(&["--print-payload", "--to", "pagerduty://"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
