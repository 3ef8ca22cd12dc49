//! No input crashes crier: templates, event files, files and settings past their documented
//! limits are usage errors (exit 2) that name the setting or file, and nothing is sent.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{crier, crier_timed, Answer, Server, TempDir};

const HOOK: &str = "https://ci.example.com/hook";

/// A usage error naming `name`, quickly and without a crash.
fn refused(args: &[&str], env: &[(&str, &str)], name: &str) {
    let (run, took) = crier_timed(args, env, Duration::from_secs(20));
    assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    assert!(
        run.stderr.contains(name),
        "{args:?} should name {name}: {}",
        run.stderr
    );
    assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
}

#[test]
fn recursive_and_deeply_nested_templates_are_refused_not_a_stack_overflow() {
    let recursive = r#"{{#*inline "p"}}{{> p}}{{/inline}}{{> p}}"#;
    let nested = format!("{}x{}", "{{#if a}}".repeat(5000), "{{/if}}".repeat(5000));
    let parens = format!("{{{{x {}a{}}}}}", "(".repeat(3000), ")".repeat(3000));
    for template in [recursive, nested.as_str(), parens.as_str()] {
        refused(
            &["--print-payload", "--to", HOOK, "--title", template],
            &[],
            "title",
        );
        refused(
            &["--print-payload", "--to", HOOK, "--message", template],
            &[],
            "message",
        );
        let inline = format!("{{\"a\": \"{template}\"}}");
        refused(
            &["--print-payload", "--to", HOOK, "--template", &inline],
            &[],
            "template",
        );
    }
    let dir = TempDir::new();
    let file = dir.write("t.json", &format!("{{\"a\": \"{recursive}\"}}"));
    refused(
        &["--print-payload", "--to", HOOK, "--template", &file],
        &[],
        "template",
    );
    let routes = dir.write(
        "routes.yml",
        &format!(
            "routes:\n  - to: {HOOK}\n    template: '{{\"a\": \"{}\"}}'\n",
            recursive.replace('\'', "''")
        ),
    );
    refused(&["--print-payload", "--config", &routes], &[], "template");
    let big = dir.write(
        "big.json",
        &format!("{{\"a\": \"{}\"}}", "x".repeat(300 * 1024)),
    );
    refused(
        &["--print-payload", "--to", HOOK, "--template", &big],
        &[],
        "template",
    );
}

/// An event nested `depth` levels deep.
fn nested_event(depth: usize) -> String {
    format!(
        "{{\"ref\": \"refs/heads/main\", \"deep\": {}1{}}}",
        "[".repeat(depth - 1),
        "]".repeat(depth - 1)
    )
}

#[test]
fn an_event_crier_reads_renders_with_every_built_in_template() {
    let dir = TempDir::new();
    let ok = dir.write("ok.json", &nested_event(100));
    let to = [
        "https://hooks.slack.com/services/T/B/X",
        "https://acme.logic.azure.com/workflows/x",
        "https://discord.com/api/webhooks/1/t",
        "https://hooks.ringcentral.com/webhook/x",
        "https://chat.googleapis.com/v1/spaces/S/messages?key=k&token=t",
        "mattermost+https://chat.example.com/hooks/x",
        HOOK,
    ];
    let mut args = vec!["--print-payload", "--event-file", ok.as_str()];
    for t in to {
        args.extend(["--to", t]);
    }
    let run = crier(&args, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), to.len());
    for depth in [101, 127, 5000] {
        let deep = dir.write("deep.json", &nested_event(depth));
        refused(
            &["--print-payload", "--to", HOOK, "--event-file", &deep],
            &[],
            "event-file",
        );
    }
}

#[test]
fn files_past_their_size_are_refused_naming_them() {
    let zero = "/dev/zero";
    refused(
        &["--print-payload", "--to", HOOK, "--event-file", zero],
        &[],
        "event-file",
    );
    refused(
        &["--print-payload", "--to", HOOK, "--template", zero],
        &[],
        "template",
    );
    refused(&["--print-payload", "--config", zero], &[], "config");
    let server = Server::always(Answer::status(200));
    let to = server.url("/h");
    refused(&["--to", &to, "--state-file", zero], &[], "state-file");
    refused(&["--to", &to], &[("SSL_CERT_FILE", zero)], "SSL_CERT_FILE");
    assert!(server.requests().is_empty(), "nothing is sent");
}

#[test]
fn settings_that_are_not_utf8_are_usage_errors_naming_them() {
    for (name, value) in [
        ("INPUT_STATUS", &b"fail\xffure"[..]),
        ("CRIER_STAUTS", &b"\xfe"[..]),
        ("PLUGIN_TO", &b"https://x.example/\xff"[..]),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_crier"))
            .args(["--print-payload", "--to", HOOK])
            .env_clear()
            .env(name, OsStr::from_bytes(value))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_crier"))
        .arg("--print-payload")
        .arg("--to")
        .arg(OsStr::from_bytes(b"https://x.example/\xff"))
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("argument 3"));
}
