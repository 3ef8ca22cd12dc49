//! Pushover against a loopback HTTP server that answers as Pushover does.

mod common;

use common::{crier, Answer, Server, TempDir};

const USER: &str = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
const TOKEN: &str = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";

/// Decodes an `application/x-www-form-urlencoded` body.
fn form(body: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    body.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn to(server: &Server) -> String {
    format!(
        "pushover+{}?user={USER}&token={TOKEN}",
        server.url("/1/messages.json")
    )
}

#[test]
fn the_form_arrives_with_credentials_in_the_body_only() {
    let server = Server::always(Answer::body(
        200,
        r#"{"status":1,"request":"647d2300-702c-4b38"}"#,
    ));
    let dir = TempDir::new();
    let output = dir.file("output");
    let run = crier(
        &[
            "--to",
            &to(&server),
            "--status",
            "failure",
            "--title",
            "Deploy of {{vars.app}} failed",
            "--message",
            "Rollback started",
            "--vars",
            "app=widgets",
        ],
        &[("GITHUB_OUTPUT", &output)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let request = &server.requests()[0];
    assert_eq!(
        request.target, "/1/messages.json",
        "no credentials in the URL requested"
    );
    assert!(request
        .header("content-type")
        .unwrap()
        .starts_with("application/x-www-form-urlencoded"));
    let fields = form(&request.body);
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("user"), Some(USER));
    assert_eq!(get("token"), Some(TOKEN));
    assert_eq!(get("title"), Some("Deploy of widgets failed"));
    assert_eq!(get("message"), Some("Rollback started"));
    assert_eq!(get("priority"), Some("1"));
    assert!(std::fs::read_to_string(&output)
        .unwrap()
        .contains("message-id=pushover:647d2300-702c-4b38\n"));
    assert!(!run.all_output().contains(USER) && !run.all_output().contains(TOKEN));
}

#[test]
fn the_run_link_and_a_normal_priority_on_success() {
    let server = Server::always(Answer::body(200, r#"{"status":1,"request":"r"}"#));
    let run = crier(
        &["--to", &to(&server), "--status", "success"],
        &[
            ("GITLAB_CI", "true"),
            (
                "CI_PIPELINE_URL",
                "https://gitlab.example.com/p/-/pipelines/5",
            ),
            ("CI_PIPELINE_IID", "5"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fields = form(&server.requests()[0].body);
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("priority"), Some("0"));
    assert_eq!(
        get("url"),
        Some("https://gitlab.example.com/p/-/pipelines/5")
    );
    assert_eq!(get("url_title"), Some("View run #5"));
}

#[test]
fn status_0_is_a_failure_with_its_reason_and_429_is_not_retried() {
    for (answer, reason) in [
        (
            Answer::body(
                400,
                r#"{"user":"invalid","errors":["user identifier is invalid"],"status":0,"request":"x"}"#,
            ),
            "user identifier is invalid",
        ),
        (Answer::body(429, r#"{"status":0}"#), "quota"),
        (
            Answer::body(200, r#"{"status":0,"errors":["message cannot be blank"]}"#),
            "status",
        ),
    ] {
        let server = Server::always(answer);
        let run = crier(&["--to", &to(&server), "--status", "failure"], &[]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_eq!(server.requests().len(), 1, "not retried");
        assert!(run.stderr.contains(reason), "{}", run.stderr);
        assert!(!run.all_output().contains(USER) && !run.all_output().contains(TOKEN));
    }
}

#[test]
fn a_dry_run_masks_the_credentials() {
    let run = crier(
        &[
            "--to",
            &format!("pushover://{USER}@{TOKEN}"),
            "--status",
            "failure",
            "--print-payload",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("token=***&user=***&title="),
        "{}",
        run.stdout
    );
    assert!(!run.all_output().contains(USER) && !run.all_output().contains(TOKEN));
    assert!(
        run.stderr.contains("pushover https://api.pushover.net/***"),
        "{}",
        run.stderr
    );
}

#[test]
fn devices_named_in_the_url_are_the_only_ones_notified() {
    let server = Server::always(Answer::body(200, r#"{"status":1,"request":"r1"}"#));
    let run = crier(
        &[
            "--to",
            &format!("{}&device=phone", to(&server)),
            "--status",
            "failure",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fields = form(&server.requests()[0].body);
    assert!(
        fields.contains(&("device".into(), "phone".into())),
        "{fields:?}"
    );
    assert!(!server.requests()[0].target.contains("device"));
    for bad in [
        format!("pushover://{USER}@{TOKEN}/not a device"),
        format!("pushover://{USER}@{TOKEN}?sound=siren"),
    ] {
        let run = crier(&["--print-payload", "--to", &bad], &[]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(!run.all_output().contains(TOKEN));
    }
    // Apprise's devices in the path, shoutrrr's in ?devices=: the same form field.
    for (form_of, devices) in [
        (
            format!("pover://{USER}@{TOKEN}/phone/tablet"),
            "phone,tablet",
        ),
        (
            format!("pushover://shoutrrr:{TOKEN}@{USER}/?devices=phone,tablet"),
            "phone,tablet",
        ),
    ] {
        let run = crier(
            &["--print-payload", "--status", "failure", "--to", &form_of],
            &[],
        );
        assert_eq!(run.code, 0, "{form_of}: {}", run.stderr);
        assert!(
            run.stdout
                .contains(&format!("device={}", devices.replace(',', "%2C"))),
            "{form_of}: {}",
            run.stdout
        );
    }
}
