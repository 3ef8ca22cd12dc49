//! IRC against a real ngIRCd on 127.0.0.1, with a client in the channel listening.

mod common;

use common::{crier, github_env, pairs, push_event, IrcServer, IrcWatcher, TempDir, TestCa};

/// Runs crier for a failed push of `message` to `to`.
fn notify(to: &str, message: &str, extra: &[(&str, &str)]) -> common::Run {
    let dir = TempDir::new();
    let env = github_env(&dir, "push", &push_event(message));
    crier(
        &["--to", to, "--status", "failure"],
        &[&pairs(&env)[..], extra].concat(),
    )
}

/// The PRIVMSG texts `nick` said, once its QUIT was heard.
fn said_by(watcher: &IrcWatcher, nick: &str) -> (Vec<String>, Vec<String>) {
    let heard = watcher.heard_until(|h| h.iter().any(|(n, c, _)| n == nick && c == "QUIT"));
    let said = heard
        .iter()
        .filter(|(n, c, _)| n == nick && c == "PRIVMSG")
        .map(|(_, _, t)| t.clone())
        .collect();
    let quits = heard
        .iter()
        .filter(|(n, c, _)| n == nick && c == "QUIT")
        .map(|(_, _, t)| t.clone())
        .collect();
    (said, quits)
}

#[test]
fn the_notification_is_said_in_the_channel() {
    let server = IrcServer::start(None);
    let watcher = IrcWatcher::join(server.port, "watcher", "#builds", None);
    let to = format!("irc://crier@127.0.0.1:{}/builds", server.port);
    let run = notify(&to, "Add sprockets\n\nThey spin.", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (said, quits) = said_by(&watcher, "crier");
    assert_eq!(
        said,
        [
            "❌ CI failed: acme/widgets@main — https://github.com/acme/widgets/actions/runs/9876543210",
            "Add sprockets",
            "They spin."
        ]
    );
    assert_eq!(quits.len(), 1, "crier QUITs cleanly");
}

#[test]
fn a_smuggled_command_arrives_as_text_or_not_at_all() {
    let server = IrcServer::start(None);
    let watcher = IrcWatcher::join(server.port, "watcher", "#builds", None);
    let to = format!("irc://crier@127.0.0.1:{}/builds", server.port);
    let run = notify(
        &to,
        "fix\r\nQUIT :pwned\r\nPRIVMSG #builds :smuggled\nJOIN #elsewhere",
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (said, quits) = said_by(&watcher, "crier");
    assert!(said.contains(&"QUIT :pwned".to_owned()), "{said:?}");
    assert!(
        said.contains(&"PRIVMSG #builds :smuggled".to_owned()),
        "{said:?}"
    );
    assert!(
        !said.contains(&"smuggled".to_owned()),
        "an injected PRIVMSG got through: {said:?}"
    );
    // The only QUIT is crier's own (ngIRCd relays its reason in quotes).
    assert_eq!(quits.len(), 1, "{quits:?}");
    assert!(
        quits[0].contains("Town Crier") && !quits[0].contains("pwned"),
        "{quits:?}"
    );
}

#[test]
fn a_nick_collision_is_survived() {
    let server = IrcServer::start(None);
    // The watcher takes the nick crier wants.
    let watcher = IrcWatcher::join(server.port, "crier", "#builds", None);
    let to = format!("irc://crier@127.0.0.1:{}/builds", server.port);
    let run = notify(&to, "Add sprockets", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (said, _) = said_by(&watcher, "crier_");
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(run.stderr.contains("as crier_"), "{}", run.stderr);
}

#[test]
fn a_keyed_channel_needs_its_key() {
    let server = IrcServer::start(None);
    let watcher = IrcWatcher::join(server.port, "watcher", "#secret", Some("sesame"));
    let with_key = format!("irc://crier@127.0.0.1:{}/secret?key=sesame", server.port);
    let run = notify(&with_key, "Add sprockets", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(said_by(&watcher, "crier").0.len(), 2);
    assert!(!run.all_output().contains("sesame"), "the key is a secret");

    let without = format!("irc://crier@127.0.0.1:{}/secret", server.port);
    let run = notify(&without, "Add sprockets", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("475") && run.stderr.contains("not retried"),
        "{}",
        run.stderr
    );
}

#[test]
fn long_lines_are_split_within_the_protocol_limit() {
    let server = IrcServer::start(None);
    let watcher = IrcWatcher::join(server.port, "watcher", "#builds", None);
    let to = format!("irc://crier@127.0.0.1:{}/builds", server.port);
    let long = "é🎉x".repeat(300);
    let run = notify(&to, &long, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (said, _) = said_by(&watcher, "crier");
    // ngIRCd disconnects a client that sends a line over 512 bytes; everything arrived whole.
    assert_eq!(said[1..].concat(), long);
    assert!(said.iter().all(|l| l.len() <= 400), "{said:?}");
}

#[test]
fn irc_over_tls_verifies_the_certificate() {
    let ca = TestCa::new();
    let server = IrcServer::start(Some(&ca));
    let watcher = IrcWatcher::join(server.port, "watcher", "#builds", None);
    let to = format!("ircs://crier@localhost:{}/builds", server.tls_port);
    let run = notify(&to, "Add sprockets", &[("SSL_CERT_FILE", &ca.ca_file())]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(said_by(&watcher, "crier").0.len(), 2);

    let run = notify(&to, "Add sprockets", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("certificate"), "{}", run.stderr);
}

#[test]
fn a_dry_run_shows_the_commands() {
    let run = notify(
        "irc://crier@irc.example.com/builds?password=hunter22",
        "Add sprockets",
        &[("INPUT_DRY-RUN", "true")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("PRIVMSG #builds :❌ CI failed"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("PRIVMSG #builds :Add sprockets"));
    assert!(!run.all_output().contains("hunter22"));
}

#[test]
fn every_line_fits_irc_s_512_bytes_even_for_a_long_channel() {
    let channel = "c".repeat(120);
    let to = format!("irc://crier@irc.example.com/{channel}");
    let title = "é".repeat(600);
    let run = crier(
        &[
            "--print-payload",
            "--to",
            &to,
            "--title",
            &title,
            "--status",
            "failure",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.len() >= 3, "{}", run.stdout);
    for line in lines {
        // CR LF ends it, and the server's relay adds `:nick!user@host `: 84 bytes are kept
        // for that, whatever the channel's length.
        assert!(line.len() + 2 + 84 <= 512, "{} bytes: {line}", line.len());
    }
}
