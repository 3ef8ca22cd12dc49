//! Apprise's and shoutrrr's URLs, as the README's table lists them, go to the service that
//! table names; their secret parts show nowhere.

mod common;

use common::crier;

/// The rows of the README's "Moving from" table: the tool's URL and crier's service.
fn rows() -> Vec<(String, String)> {
    let readme = include_str!("../README.md");
    let start = readme
        .find("| tool | its URL | what crier does with it |")
        .unwrap();
    readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let url = cells[2].split('`').nth(1).unwrap().to_owned();
            (url, cells[3].to_owned())
        })
        .collect()
}

#[test]
fn every_form_in_the_readme_goes_to_its_service() {
    let rows = rows();
    assert!(rows.len() >= 20, "{rows:?}");
    for (form, says) in rows {
        let url = form
            .replace("BOT_TOKEN", "123456:ABCdefSecret9")
            .replace("CHAT_ID", "-100555")
            .replace("WEBHOOK_ID", "1234")
            .replace("USER_KEY", "uUserKey1234")
            .replace("APP_TOKEN", "aAppTok5678")
            .replace("INTEGRATION_KEY", "R0utingKey0123456789abcdefABCDEF")
            .replace("API_KEY", "ApiKey987")
            .replace("TOKEN", "Tok3nSecretX")
            .replace("HOST", "chat.example.com")
            .replace("TOPIC", "builds")
            .replace("ROOM", "builds:example.com")
            .replace("PATH", "hook")
            .replace("T…-B…-X…", "T0AAA-B0BBB-XyZsecret9")
            .replace("T…/B…/X…", "T0AAA/B0BBB/XyZsecret9")
            .replace("SPACE", "AAAAspace")
            .replace("KEY", "K3ySecretGc");
        let service = [
            ("telegram", "telegram"),
            ("Discord", "discord"),
            ("pushover", "pushover"),
            ("ntfy", "ntfy"),
            ("mattermost", "mattermost"),
            ("generic webhook", "webhook"),
            ("gotify", "gotify"),
            ("Matrix", "matrix"),
            ("Rocket.Chat", "rocketchat"),
            ("Zulip", "zulip"),
            ("pagerduty", "pagerduty"),
            ("incoming webhook", "slack"),
            ("Google Chat", "googlechat"),
        ]
        .iter()
        .find(|(word, _)| says.contains(word))
        .map(|(_, s)| *s)
        .unwrap_or_else(|| panic!("{says}"));
        let run = crier(
            &["--print-payload", "--status", "failure", "--to", &url],
            &[],
        );
        assert_eq!(run.code, 0, "{form}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("[1] {service} ")),
            "{form} → {service}: {}",
            run.stderr
        );
        for secret in [
            "ABCdefSecret9",
            "Tok3nSecretX",
            "XyZsecret9",
            "uUserKey1234",
            "aAppTok5678",
            "R0utingKey0123",
            "K3ySecretGc",
        ] {
            assert!(
                !run.all_output().contains(secret),
                "{form}: {secret} in {}",
                run.all_output()
            );
        }
    }
}

#[test]
fn crier_s_own_forms_keep_their_meaning() {
    for (url, service) in [
        ("slack://C0123", "slack"),
        ("ntfy://builds", "ntfy"),
        ("pushover://uUser@aToken", "pushover"),
        ("telegram://123:ABC/-1", "telegram"),
    ] {
        let run = crier(
            &["--print-payload", "--to", url],
            &[("CRIER_SLACK_TOKEN", "xoxb-1-x")],
        );
        assert_eq!(run.code, 0, "{url}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("[1] {service} ")),
            "{url}: {}",
            run.stderr
        );
    }
}

#[test]
fn forms_crier_does_not_read_say_what_to_write_instead() {
    for (form, advice) in [
        (
            "msteams://acme/a1b2c3/d4e5f6/a7b8c9",
            "Teams webhook's https:// URL",
        ),
        (
            "teams://g@t/alt/owner?host=acme.webhook.office.com",
            "Teams webhook's https:// URL",
        ),
        (
            "mailtos://user:pass@example.com?to=dev@example.com",
            "smtp-url",
        ),
        ("mailto://user:pass@gmail.com", "mailto:ADDRESS (no //)"),
        (
            "smtp://user:pass@mail.example.com:587/?to=dev@example.com",
            "mailto:ADDRESS",
        ),
        (
            "wxteams://Zx9kQ2mP7vL4nR8sT1wY3bC6dF0gH5jK",
            "webex://BOT_TOKEN@ROOM_ID",
        ),
    ] {
        let run = crier(
            &["--print-payload", "--status", "failure", "--to", form],
            &[],
        );
        assert_eq!(run.code, 2, "{form}: {}", run.stderr);
        assert!(run.stderr.contains(advice), "{form}: {}", run.stderr);
        assert!(!run.all_output().contains("pass@"), "{}", run.all_output());
        assert!(
            !run.all_output().contains("Zx9kQ2mP7vL4"),
            "{}",
            run.all_output()
        );
    }
}
