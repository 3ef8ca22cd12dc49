//! A newcomer's first hour: the mistakes people make first, and what crier says back.

mod common;

use common::{crier, github_env, pairs, push_event, Answer, Server, TempDir};
use serde_json::Value;

const SLACK: &str = "https://hooks.slack.com/services/T000/B000/XXXX";

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// A dry run on GitHub for a push of `message`, with `extra` settings.
fn github_dry_run(args: &[&str], message: &str, extra: &[(&str, &str)]) -> common::Run {
    let dir = TempDir::new();
    let mut env = github_env(&dir, "push", &push_event(message));
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let mut all = vec!["--print-payload"];
    all.extend(args);
    crier(&all, &pairs(&env))
}

/// A dry run to a webhook with `template` as its payload template file, `t.json`.
fn with_template_file(template: &str) -> common::Run {
    let dir = TempDir::new();
    let file = dir.write("t.json", template);
    let to = "https://ci.example.com/h";
    crier(&["--print-payload", "--to", to, "--template", &file], &[])
}

#[test]
fn a_path_the_context_cannot_have_is_an_error_naming_the_nearest() {
    for (template, wrong, near) in [
        ("{{comit.sha}}", "comit.sha", "commit.sha"),
        ("{{commit.nope}}", "commit.nope", "commit."),
        (
            "{{#if commit.sha}}{{commit.auther.name}}{{/if}}",
            "commit.auther.name",
            "commit.author.name",
        ),
        (
            "{{repository.ful_name}}",
            "repository.ful_name",
            "repository.full_name",
        ),
    ] {
        let run = crier(
            &["--print-payload", "--to", SLACK, "--title", template],
            &[],
        );
        assert_eq!(run.code, 2, "{template}: {}", run.stderr);
        for part in ["title", wrong, "did you mean", near] {
            assert!(
                run.stderr.contains(part),
                "{template}: no {part:?} in {}",
                run.stderr
            );
        }
    }
    // In a payload template file, with its line.
    let run = with_template_file("{\n  \"text\": \"{{title}}\",\n  \"sha\": \"{{comit.sha}}\"\n}");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("t.json: line 3"), "{}", run.stderr);
    // A path that exists but has no value in this run renders empty.
    let run = github_dry_run(
        &[
            "--to",
            "https://ci.example.com/h",
            "--template",
            r#"{"pr": "{{pull_request.title}}", "v": "{{vars.anything}}"}"#,
        ],
        "Add sprockets",
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), r#"{"pr":"","v":""}"#);
}

#[test]
fn an_unknown_helper_suggests_the_nearest() {
    let run = crier(
        &[
            "--print-payload",
            "--to",
            SLACK,
            "--title",
            "{{uppercase title}}",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`uppercase` is not a helper; did you mean `upper`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unclosed_block_is_reported_where_it_opens() {
    let run =
        with_template_file("{\n  \"a\": \"x\",\n  \"b\": \"{{#if status}}yes\",\n  \"c\": 1\n}\n");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("line 3, column 9"), "{}", run.stderr);
    assert!(
        run.stderr.contains("{{#if}} is never closed"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_inline_template_not_starting_with_a_brace_says_what_it_was_taken_for() {
    let run = crier(
        &[
            "--print-payload",
            "--to",
            "https://ci.example.com/h",
            "--template",
            "text: {{title}}",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("taken for a file path"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("starts with `{`"), "{}", run.stderr);
}

#[test]
fn a_required_headline_never_goes_out_empty() {
    let run = github_dry_run(
        &["--to", SLACK, "--title", "{{pull_request.title}}"],
        "Add sprockets",
        &[("INPUT_STATUS", "failure")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        body["blocks"][0]["text"]["text"],
        "❌ CI failed: acme/widgets@main"
    );
}

#[test]
fn no_status_given_or_detected_says_so() {
    let run = crier(&["--print-payload", "--to", SLACK], &[]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("warning: no status was given"),
        "{}",
        run.stderr
    );
    let run = github_dry_run(&["--to", SLACK], "Add sprockets", &[]);
    assert!(
        run.stderr.contains("::warning::no status was given"),
        "{}",
        run.stderr
    );
    let run = github_dry_run(
        &["--to", SLACK],
        "Add sprockets",
        &[("INPUT_STATUS", "success")],
    );
    assert!(
        !run.stderr.contains("no status was given"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_headline_names_what_ran_and_the_commit_title_is_shown_once() {
    let run = github_dry_run(
        &["--to", SLACK],
        "Add sprockets\n\nThey spin.",
        &[
            ("INPUT_STATUS", "failure"),
            ("GITHUB_WORKFLOW", "Deploy to prod"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        body["blocks"][0]["text"]["text"],
        "❌ Deploy to prod failed: acme/widgets@main"
    );
    for to in [
        SLACK,
        "https://discord.com/api/webhooks/1/t",
        "mattermost+https://chat.example.com/hooks/k",
        "https://acme.logic.azure.com/workflows/x",
    ] {
        let run = github_dry_run(
            &["--to", to],
            "Add sprockets\n\nThey spin.",
            &[("INPUT_STATUS", "failure")],
        );
        let body: Value = serde_json::from_str(&run.stdout).unwrap();
        let shown = strings(&body)
            .iter()
            .map(|s| s.matches("Add sprockets").count())
            .sum::<usize>();
        // Once in the message (Slack's `text` fallback and Mattermost's `fallback` carry the
        // headline only).
        assert_eq!(shown, 1, "{to}: {}", run.stdout);
    }
}

#[test]
fn mattermost_text_is_made_inert_only_where_a_mention_would_be_live() {
    let run = github_dry_run(
        &["--to", "mattermost+https://chat.example.com/hooks/k"],
        "Ping @channel and @here, see <!channel>; mail ada@example.com",
        &[("INPUT_STATUS", "failure")],
    );
    let body: Value = serde_json::from_str(&run.stdout).unwrap();
    let all = strings(&body).join("\n");
    assert!(
        all.contains("acme/widgets@main"),
        "a branch stays as it is: {all}"
    );
    assert!(
        all.contains("ada@example.com"),
        "an address stays as it is: {all}"
    );
    for live in ["@channel", "@here", "<!channel>"] {
        assert!(!all.contains(live), "{live} is live in {all}");
    }
}

#[test]
fn a_display_name_and_icon_go_where_the_service_allows_them() {
    for (to, name_key, icon_key) in [
        (SLACK, "username", "icon_url"),
        (
            "https://discord.com/api/webhooks/1/t",
            "username",
            "avatar_url",
        ),
        (
            "mattermost+https://chat.example.com/hooks/k",
            "username",
            "icon_url",
        ),
    ] {
        let run = crier(
            &[
                "--print-payload",
                "--to",
                to,
                "--username",
                "CI bot",
                "--icon-url",
                "https://ci.example.com/bot.png",
            ],
            &[],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let body: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(body[name_key], "CI bot", "{to}");
        assert_eq!(body[icon_key], "https://ci.example.com/bot.png", "{to}");
    }
    let run = crier(
        &["--print-payload", "--to", SLACK, "--icon-url", "bot.png"],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("icon-url"), "{}", run.stderr);
}

#[test]
fn the_generic_webhook_body_is_the_context_without_repeats() {
    let run = github_dry_run(
        &["--to", "https://ci.example.com/h"],
        "Add sprockets",
        &[("INPUT_STATUS", "failure")],
    );
    let mut body: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(body["commit"]["title"], "Add sprockets");
    assert!(
        body.get("devtronAppName").is_none() && body.get("eventType").is_none(),
        "{body}"
    );
    // The author's e-mail once, besides the raw event itself.
    body.as_object_mut().unwrap().remove("event_payload");
    assert_eq!(
        body.to_string().matches("ada@example.com").count(),
        1,
        "{body}"
    );
    // Devtron's names stay there for templates.
    let run = github_dry_run(
        &[
            "--to",
            "https://ci.example.com/h",
            "--template",
            r#"{"app": "{{devtronAppName}}", "e": "{{eventType}}"}"#,
        ],
        "Add sprockets",
        &[("INPUT_STATUS", "failure")],
    );
    assert_eq!(run.stdout.trim(), r#"{"app":"widgets","e":"fail"}"#);
}

#[test]
fn pretty_prints_indented_and_the_default_is_one_line() {
    let run = crier(&["--print-payload", "--to", SLACK, "--pretty"], &[]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.lines().count() > 5 && run.stdout.contains("\n  \"blocks\""),
        "{}",
        run.stdout
    );
    let run = crier(
        &[
            "--print-payload",
            "--to",
            SLACK,
            "--to",
            "https://ci.example.com/h",
        ],
        &[],
    );
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
}

#[test]
fn urls_are_checked_like_a_careful_colleague_would() {
    for (to, says) in [
        ("http://hooks.slack.com/services/T0/B0/SeCrEt", "HTTPS only"),
        ("http://discord.com/api/webhooks/1/SeCrEt", "HTTPS only"),
        ("hooks.slack.com/services/T0/B0/SeCrEt", "add `https://`"),
    ] {
        let run = crier(&["--print-payload", "--to", to], &[]);
        assert_eq!(run.code, 2, "{to}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{to}: {}", run.stderr);
        assert!(!run.stderr.contains("SeCrEt"), "{}", run.stderr);
    }
}

#[test]
fn a_slack_workflow_trigger_gets_the_flat_variables_it_takes() {
    let server = Server::always(Answer::body(200, r#"{"ok":true}"#));
    let to = format!(
        "slack+{}",
        server.url("/triggers/T0123/3141592653589/c6e6c0d8")
    );
    let dir = TempDir::new();
    let env = github_env(&dir, "push", &push_event("Add sprockets"));
    let run = crier(&["--to", &to, "--status", "failure"], &pairs(&env));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body = server.requests()[0].json();
    let map = body.as_object().unwrap();
    assert!(
        map.values().all(Value::is_string),
        "only text variables: {body}"
    );
    assert_eq!(body["status"], "failure");
    assert_eq!(body["repository"], "acme/widgets");
    assert_eq!(body["branch"], "main");
    assert!(body.get("blocks").is_none());
    let refused = Server::always(Answer::body(
        200,
        r#"{"ok":false,"error":"invalid_workflow_input"}"#,
    ));
    let to = format!("slack+{}", refused.url("/triggers/T0/1/x"));
    let run = crier(
        &["--to", &to, "--status", "failure", "--retries", "0"],
        &pairs(&env),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn a_comma_separated_to_on_the_command_line_is_two_destinations() {
    let a = Server::always(Answer::status(200));
    let b = Server::always(Answer::status(200));
    let both = format!("{},{}", a.url("/x"), b.url("/y"));
    let run = crier(&["--to", &both, "--status", "success"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!((a.requests().len(), b.requests().len()), (1, 1));
}

#[test]
fn a_mention_that_will_not_ping_is_warned_about() {
    let run = crier(
        &[
            "--print-payload",
            "--to",
            SLACK,
            "--mention",
            "@ada",
            "--status",
            "failure",
        ],
        &[],
    );
    assert!(
        run.stderr.contains("will not ping on Slack") && run.stderr.contains("<@U"),
        "{}",
        run.stderr
    );
    let run = crier(
        &[
            "--print-payload",
            "--to",
            SLACK,
            "--mention",
            "<@U0123ABCD>",
            "--status",
            "failure",
        ],
        &[],
    );
    assert!(!run.stderr.contains("will not ping"), "{}", run.stderr);
}

#[test]
fn a_thread_handle_applies_to_its_own_service_only() {
    let slack = Server::always(Answer::body(
        200,
        r#"{"ok":true,"channel":"C1","ts":"1.2"}"#,
    ));
    let discord = Server::always(Answer::body(200, r#"{"id":"9"}"#));
    let slack_to = format!("slack+{}?channel=C1", slack.url("/api"));
    let discord_to = format!("discord+{}", discord.url("/api/webhooks/1/t"));
    let run = crier(
        &[
            "--to",
            &slack_to,
            "--to",
            &discord_to,
            "--thread",
            "slack:C1/1700.5",
            "--status",
            "failure",
        ],
        &[("CRIER_SLACK_TOKEN", "xoxb-1-x")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(slack.requests()[0].json()["thread_ts"], "1700.5");
    assert!(
        !discord.requests()[0].target.contains("thread_id"),
        "{}",
        discord.requests()[0].target
    );
}

#[test]
fn the_cli_helps() {
    let run = crier(&["--print-payload", "--statu", "failure"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("a similar argument exists: '--status'"),
        "{}",
        run.stderr
    );
    let run = crier(
        &["--print-payload", "--to", SLACK],
        &[("CRIER_STAUTS", "failure")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean CRIER_STATUS?"),
        "{}",
        run.stderr
    );
    let run = crier(&[], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--to URL") && run.stderr.contains("crier -h"),
        "{}",
        run.stderr
    );
    let short = crier(&["-h"], &[]).stdout;
    let long = crier(&["--help"], &[]).stdout;
    for heading in [
        "Destinations and message:",
        "Delivery:",
        "E-mail:",
        "Slack API and message updates:",
        "Output:",
        "Examples:",
    ] {
        assert!(
            short.contains(heading) && long.contains(heading),
            "{heading}"
        );
    }
    assert!(
        long.contains("pushover://USER_KEY@APP_TOKEN")
            && !short.contains("pushover://USER_KEY@APP_TOKEN")
    );
    assert!(short.len() < long.len());
}

#[test]
fn the_unevaluated_status_note_names_where_it_came_from() {
    let run = crier(
        &[
            "--print-payload",
            "--to",
            SLACK,
            "--status",
            "${{ job.status }}",
        ],
        &[],
    );
    assert!(run.stderr.contains("ignoring --status"), "{}", run.stderr);
    let run = crier(
        &["--print-payload", "--to", SLACK],
        &[("INPUT_STATUS", "${{ job.status }}")],
    );
    assert!(
        run.stderr.contains("ignoring INPUT_STATUS"),
        "{}",
        run.stderr
    );
    let run = crier(
        &["--print-payload", "--to", SLACK],
        &[("PLUGIN_STATUS", "${{ job.status }}")],
    );
    assert!(
        run.stderr.contains("ignoring PLUGIN_STATUS"),
        "{}",
        run.stderr
    );
}

#[test]
fn routes_are_counted_from_one_everywhere() {
    let dir = TempDir::new();
    for (text, says) in [
        ("routes:\n  - to: https://a.example/x\n  - to: https://b.example/y\n    branchs: [main]\n", "route 2: unknown field `branchs`"),
        ("routes:\n  - to: https://a.example/x\n  - to: ftp://b.example/y\n", "route 2: "),
        ("routes:\n  - to: https://a.example/x\n  - to: https://b.example/y\n    on: sometimes\n", "route 2: "),
    ] {
        let file = dir.write("r.yml", text);
        let run = crier(&["--print-payload", "--config", &file], &[]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(says) && !run.stderr.contains("routes["), "{}", run.stderr);
    }
}

#[test]
fn an_e_mail_route_that_does_not_match_needs_no_mail_server() {
    let dir = TempDir::new();
    let file = dir.write(
        "r.yml",
        "routes:\n  - to: https://ci.example.com/h\n  - to: mailto:oncall@example.com\n    on: [failure]\n    environments: [production]\n",
    );
    let run = crier(
        &["--print-payload", "--config", &file, "--status", "failure"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("route 2: not matched"),
        "{}",
        run.stderr
    );
    // When it matches, the missing setting is named.
    let run = crier(
        &[
            "--print-payload",
            "--config",
            &file,
            "--status",
            "failure",
            "--environment",
            "production",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("email-from"), "{}", run.stderr);
}

#[test]
fn review_events_tell_of_the_pull_request_s_head() {
    let event = r#"{"action": "submitted", "review": {"state": "approved"},
        "pull_request": {"number": 7, "title": "Spin faster", "html_url": "https://github.com/acme/widgets/pull/7",
          "head": {"sha": "1111111111111111111111111111111111111111", "ref": "faster"},
          "base": {"ref": "main"}, "user": {"login": "ada"}},
        "repository": {"name": "widgets", "full_name": "acme/widgets", "html_url": "https://github.com/acme/widgets"}}"#;
    for name in ["pull_request_review", "pull_request_review_comment"] {
        let dir = TempDir::new();
        let mut env = github_env(&dir, name, event);
        env.retain(|(k, _)| k != "GITHUB_REF" && k != "GITHUB_REF_NAME");
        env.push(("GITHUB_REF".into(), "refs/pull/7/merge".into()));
        env.push(("GITHUB_REF_NAME".into(), "7/merge".into()));
        let run = crier(&["--print-context"], &pairs(&env));
        let ctx: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(
            ctx["commit"]["sha"], "1111111111111111111111111111111111111111",
            "{name}"
        );
        assert_eq!(ctx["ref"]["name"], "faster", "{name}");
        assert_eq!(ctx["pull_request"]["number"], "7", "{name}");
    }
}
