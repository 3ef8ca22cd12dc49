//! E-mail through a real SMTP server (aiosmtpd) on 127.0.0.1: plaintext relay, STARTTLS with
//! AUTH and a private CA, implicit TLS, Amazon SES's derived password, the message's parts,
//! and what is retried.

mod common;

use common::{crier, github_env, pairs, Run, SmtpServer, TempDir, TestCa};
use serde_json::{json, Value};

const FROM: &str = "CI <ci@example.com>";
const TO: &str = "mailto:dev@example.com,ops@example.com";

fn event(dir: &TempDir) -> Vec<(String, String)> {
    let event = json!({
        "ref": "refs/heads/main",
        "before": "1111111111111111111111111111111111111111",
        "after": "2222222222222222222222222222222222222222",
        "head_commit": {
            "id": "2222222222222222222222222222222222222222",
            "message": "Fix the <sprocket> & \"gear\"\n\nDetails.",
            "author": {"name": "Ada", "email": "ada@example.com"}
        },
        "repository": {"name": "widgets", "full_name": "acme/widgets", "html_url": "https://github.com/acme/widgets"}
    });
    let mut env = github_env(dir, "push", &event.to_string());
    env.push(("INPUT_STATUS".into(), "failure".into()));
    env.push(("INPUT_EMAIL-FROM".into(), FROM.into()));
    env
}

fn send(args: &[&str], extra: &[(&str, &str)]) -> Run {
    let dir = TempDir::new();
    let env = event(&dir);
    crier(args, &[&pairs(&env)[..], extra].concat())
}

/// The server's certificate and key, for `--starttls` / `--implicit-tls`.
fn tls_files(ca: &TestCa) -> (String, String) {
    (ca.dir.file("server.pem"), ca.dir.file("server.key"))
}

#[test]
fn a_plaintext_relay_delivers_to_every_recipient() {
    let server = SmtpServer::start(&[]);
    let smtp = format!("smtp://127.0.0.1:{}?tls=none", server.port);
    let run = send(&["--to", TO, "--smtp-url", &smtp], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0]["rcpt_tos"],
        json!(["dev@example.com", "ops@example.com"])
    );
    assert_eq!(received[0]["mail_from"], "ci@example.com");
    assert_eq!(received[0]["tls"], false);
}

#[test]
fn plaintext_is_never_used_unless_asked_for() {
    // A server that offers no STARTTLS: smtp:// without ?tls=none must refuse to send.
    let server = SmtpServer::start(&[]);
    let smtp = format!("smtp://127.0.0.1:{}", server.port);
    let run = send(&["--to", TO, "--smtp-url", &smtp, "--retries", "0"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(server.received().is_empty());
}

#[test]
fn starttls_with_auth_and_a_private_ca_delivers_over_tls() {
    let ca = TestCa::new();
    let (cert, key) = tls_files(&ca);
    let server = SmtpServer::start(&[
        "--starttls",
        &cert,
        &key,
        "--auth",
        "ci@example.com:p@ss:w%rd",
    ]);
    // The credentials are percent-encoded in the URL.
    let smtp = format!(
        "smtp://ci%40example.com:p%40ss%3Aw%25rd@localhost:{}",
        server.port
    );
    let run = send(
        &["--to", TO, "--smtp-url", &smtp],
        &[("SSL_CERT_FILE", &ca.ca_file())],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["tls"], true, "the message went over TLS");
    assert_eq!(received[0]["auth_user"], "ci@example.com");
    assert!(!run.all_output().contains("p@ss:w%rd") && !run.all_output().contains("p%40ss"));
}

#[test]
fn implicit_tls_delivers() {
    let ca = TestCa::new();
    let (cert, key) = tls_files(&ca);
    let server = SmtpServer::start(&["--implicit-tls", &cert, &key]);
    let smtp = format!("smtps://localhost:{}", server.port);
    let run = send(
        &["--to", TO, "--smtp-url", &smtp],
        &[("SSL_CERT_FILE", &ca.ca_file())],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.received()[0]["tls"], true);
}

#[test]
fn an_untrusted_certificate_is_refused() {
    let ca = TestCa::new();
    let (cert, key) = tls_files(&ca);
    let server = SmtpServer::start(&["--starttls", &cert, &key]);
    let smtp = format!("smtp://localhost:{}", server.port);
    let run = send(&["--to", TO, "--smtp-url", &smtp], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("certificate") || run.stderr.contains("UnknownIssuer"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("not retried"), "{}", run.stderr);
    assert!(server.received().is_empty());
}

const AWS_EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// AWS's documented derivation of the example secret for us-east-1.
const AWS_EXAMPLE_SMTP_PASSWORD: &str = "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9";

#[test]
fn ses_authenticates_with_the_derived_password() {
    let ca = TestCa::new();
    let (cert, key) = tls_files(&ca);
    let auth = format!("AKIAIOSFODNN7EXAMPLE:{AWS_EXAMPLE_SMTP_PASSWORD}");
    let server = SmtpServer::start(&["--starttls", &cert, &key, "--auth", &auth]);
    let endpoint = format!("localhost:{}", server.port);
    let aws = [
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", AWS_EXAMPLE_SECRET),
        ("SSL_CERT_FILE", &ca.ca_file()),
    ];
    let args = [
        "--to",
        TO,
        "--ses-region",
        "us-east-1",
        "--ses-endpoint",
        &endpoint,
    ];
    let run = send(&args, &aws);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.received()[0]["auth_user"], "AKIAIOSFODNN7EXAMPLE");
    // On GitHub the derived password is masked before anything else is printed.
    assert!(
        run.stderr
            .starts_with(&format!("::add-mask::{AWS_EXAMPLE_SMTP_PASSWORD}\n")),
        "{}",
        run.stderr
    );
    let rest = run.stderr.split_once('\n').unwrap().1;
    assert!(!rest.contains(AWS_EXAMPLE_SMTP_PASSWORD) && !rest.contains(AWS_EXAMPLE_SECRET));

    // Another region derives another password, which this server refuses (535, not retried).
    let run = send(
        &[
            "--to",
            TO,
            "--ses-region",
            "eu-west-1",
            "--ses-endpoint",
            &endpoint,
        ],
        &aws,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("535") && run.stderr.contains("not retried"),
        "{}",
        run.stderr
    );
    assert_eq!(server.received().len(), 1);
}

#[test]
fn the_message_is_multipart_with_both_parts_carrying_the_run() {
    let server = SmtpServer::start(&[]);
    let smtp = format!("smtp://127.0.0.1:{}?tls=none", server.port);
    let run = send(&["--to", TO, "--smtp-url", &smtp], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let message = &server.received()[0];
    assert_eq!(message["content_type"], "multipart/alternative");
    assert_eq!(message["subject"], "❌ CI failed: acme/widgets@main");
    assert_eq!(message["from"], "CI <ci@example.com>");
    assert_eq!(message["date"], true);
    assert!(message["message_id"]
        .as_str()
        .unwrap()
        .ends_with("@example.com>"));
    let part = |kind: &str| -> String {
        message["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["content_type"] == kind)
            .unwrap_or_else(|| panic!("no {kind} part"))["body"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let text = part("text/plain");
    let html = part("text/html");
    let run_url = "https://github.com/acme/widgets/actions/runs/9876543210";
    for body in [&text, &html] {
        assert!(body.contains("2222222"), "the commit: {body}");
        assert!(body.contains("failure"), "the status: {body}");
        assert!(body.contains(run_url), "the run link: {body}");
    }
    assert!(text.contains("Fix the <sprocket> & \"gear\""), "{text}");
    // In HTML, user text is HTML-escaped, not JSON-escaped.
    assert!(
        html.contains("Fix the &lt;sprocket&gt; &amp; &quot;gear&quot;"),
        "{html}"
    );
    assert!(
        !html.contains("<sprocket>") && !html.contains("\\\""),
        "{html}"
    );
}

#[test]
fn a_deferral_is_retried_and_a_rejection_is_not() {
    let server = SmtpServer::start(&["--defer", "1"]);
    let smtp = format!("smtp://127.0.0.1:{}?tls=none", server.port);
    let run = send(&["--to", TO, "--smtp-url", &smtp], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("451") && run.stderr.contains("attempt 2/4: delivered"),
        "{}",
        run.stderr
    );
    assert_eq!(server.received().len(), 1);

    let server = SmtpServer::start(&["--reject"]);
    let smtp = format!("smtp://127.0.0.1:{}?tls=none", server.port);
    let run = send(&["--to", TO, "--smtp-url", &smtp], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("550") && run.stderr.contains("not retried"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("attempt 2/"), "{}", run.stderr);
}

#[test]
fn no_password_appears_in_any_output() {
    let ca = TestCa::new();
    let (cert, key) = tls_files(&ca);
    let server = SmtpServer::start(&["--starttls", &cert, &key, "--auth", "ci:right-password"]);
    let smtp = format!("smtp://ci:wrong-hunter2@localhost:{}", server.port);
    let dir = TempDir::new();
    let outputs = [
        ("SSL_CERT_FILE", ca.ca_file()),
        ("GITHUB_OUTPUT", dir.file("out")),
        ("GITHUB_STEP_SUMMARY", dir.file("summary")),
    ];
    let outputs: Vec<(&str, &str)> = outputs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for args in [
        vec!["--to", TO, "--smtp-url", &smtp],
        vec!["--to", TO, "--smtp-url", &smtp, "--print-payload"],
    ] {
        let run = send(&args, &outputs);
        let everything = format!(
            "{}{}{}",
            run.all_output(),
            dir.read("out"),
            dir.read("summary")
        );
        assert!(!everything.contains("wrong-hunter2"), "{everything}");
    }
    assert!(server.received().is_empty());
}

#[test]
fn e_mail_settings_are_checked_before_anything_is_sent() {
    let server = SmtpServer::start(&[]);
    let smtp = format!("smtp://127.0.0.1:{}?tls=none", server.port);
    let dir = TempDir::new();
    let mut env = event(&dir);
    env.retain(|(k, _)| k != "INPUT_EMAIL-FROM");
    let env = pairs(&env);
    let cases: &[(&[&str], &str)] = &[
        (&["--to", TO, "--smtp-url", &smtp], "email-from"),
        (
            &[
                "--to",
                TO,
                "--email-from",
                "not an address",
                "--smtp-url",
                &smtp,
            ],
            "email-from",
        ),
        (&["--to", TO, "--email-from", FROM], "smtp-url"),
        (
            &[
                "--to",
                TO,
                "--email-from",
                FROM,
                "--smtp-url",
                &smtp,
                "--ses-region",
                "us-east-1",
            ],
            "ses-region",
        ),
        (
            &["--to", TO, "--email-from", FROM, "--smtp-url", "imap://x"],
            "smtp-url",
        ),
        (
            &[
                "--to",
                TO,
                "--email-from",
                FROM,
                "--ses-region",
                "us-east-1",
            ],
            "AWS_ACCESS_KEY_ID",
        ),
        (
            &[
                "--to",
                "mailto:nobody",
                "--email-from",
                FROM,
                "--smtp-url",
                &smtp,
            ],
            "not an e-mail address",
        ),
    ];
    for (args, expected) in cases {
        let run = crier(args, &env);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
    assert!(server.received().is_empty());
}

#[test]
fn a_dry_run_prints_the_message_as_it_would_be_sent() {
    let run = send(
        &[
            "--to",
            TO,
            "--smtp-url",
            "smtp://user:s3cret-pw@mail.example.com",
            "--print-payload",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for header in [
        "From: CI <ci@example.com>",
        "To: dev@example.com, ops@example.com",
        "Subject: ",
        "Date: ",
        "Message-ID: <",
        "multipart/alternative",
        "text/plain",
        "text/html",
    ] {
        assert!(run.stdout.contains(header), "{header}: {}", run.stdout);
    }
    assert!(
        run.stderr.contains("via smtp://mail.example.com:587"),
        "{}",
        run.stderr
    );
    assert!(!run.all_output().contains("s3cret-pw"));
    let _: Value = json!(null);
}
