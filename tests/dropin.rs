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
            .replace("HOOK_TOKEN", &format!("WxHookSecret{}", "a".repeat(88)))
            .replace("BOT_TOKEN", "123456:ABCdefSecret9")
            .replace("BOT_EMAIL", "ci-bot%40chat.example.com")
            .replace("://BOT@ORG/", "://ci@acme/")
            .replace("://ID/", "://hookId1/")
            .replace("TEAM/", "acme/")
            .replace("ORG.", "acme.")
            .replace("USER:PASSWORD", "ci:Passw0rdSecret")
            .replace("DOMAIN", "gmail.com")
            .replace("ADDRESS", "dev@example.com")
            .replace("PORT", "2525")
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
            .replace("CHANNEL", "builds")
            .replace("STREAM", "builds")
            .replace("KEY", "K3ySecretGc");
        let service = [
            ("e-mail", "email"),
            ("Teams", "teams"),
            ("Webex", "webex"),
            ("IRC", "irc"),
            ("Slack Web API", "slack"),
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
            "WxHookSecret",
            "Passw0rdSecret",
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
fn forms_that_cannot_be_sent_say_what_to_write_instead() {
    for (form, advice) in [
        ("tgram://123456:ABCdefSecret9", "tgram://BOT_TOKEN/CHAT_ID"),
        (
            "rockets://ada:Passw0rdSecret@chat.example.com/#general",
            "rocketchat://HOST/ID/TOKEN",
        ),
        (
            "mailtos://ci:Passw0rdSecret@example.com?to=dev@example.com&cc=ops@example.com",
            "list every recipient in to=",
        ),
        (
            "msteams://acme/Tok3nSecretX",
            "Teams Workflows webhook's https:// URL",
        ),
        (
            "zulip://ci@acme/Tok3nSecretX/ada@example.com",
            "streams only",
        ),
        ("wxteams://Tok3nSecretX", "webex://BOT_TOKEN@ROOM_ID"),
        (
            "ringc://Tok3nSecretX:ABCdefSecret9@15551234567",
            "team messaging webhook",
        ),
        (
            "mmosts://chat.example.com/Tok3nSecretX?mode=bot",
            "incoming webhook",
        ),
    ] {
        let run = crier(
            &["--print-payload", "--status", "failure", "--to", form],
            &[],
        );
        assert_eq!(run.code, 2, "{form}: {}", run.stderr);
        assert!(run.stderr.contains(advice), "{form}: {}", run.stderr);
        for secret in ["ABCdefSecret9", "Passw0rdSecret", "Tok3nSecretX"] {
            assert!(!run.all_output().contains(secret), "{}", run.all_output());
        }
    }
}

#[test]
fn a_slack_bot_token_in_the_url_needs_no_slack_token_setting() {
    for form in [
        "slack://xoxb-1111-2222-BotSecretTok3n@C0123",
        "slack://xoxb:1111-2222-BotSecretTok3n@C0123",
        "slack://xoxb-1111-2222-BotSecretTok3n/#builds",
    ] {
        let run = crier(
            &["--print-payload", "--status", "failure", "--to", form],
            &[],
        );
        assert_eq!(run.code, 0, "{form}: {}", run.stderr);
        assert!(
            run.stderr.contains("[1] slack https://slack.com/"),
            "{}",
            run.stderr
        );
        assert!(
            !run.all_output().contains("BotSecretTok3n"),
            "{}",
            run.all_output()
        );
    }
    // Without a token anywhere, the setting is what is asked for.
    let run = crier(&["--print-payload", "--to", "slack://C0123"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("slack-token"), "{}", run.stderr);
}
