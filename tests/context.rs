//! The context read from each CI system, seen through `crier --print-context`.

mod common;

use common::{crier, github_env, pairs, TempDir};
use serde_json::{json, Value};

fn context(env: &[(&str, &str)]) -> Value {
    let run = crier(&["--print-context"], env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("the context is JSON")
}

/// The context of a GitHub run of `event_name` with `event` as its payload, with some
/// variables replaced.
fn github(event_name: &str, event: Value, overrides: &[(&str, &str)]) -> Value {
    let dir = TempDir::new();
    let mut env = github_env(&dir, event_name, &event.to_string());
    for (key, value) in overrides {
        env.retain(|(k, _)| k != key);
        env.push((key.to_string(), value.to_string()));
    }
    context(&pairs(&env))
}

fn repository() -> Value {
    json!({"name": "widgets", "full_name": "acme/widgets", "html_url": "https://github.com/acme/widgets"})
}

#[test]
fn github_push() {
    let ctx = github(
        "push",
        json!({
            "ref": "refs/heads/main",
            "before": "1111111111111111111111111111111111111111",
            "after": "abcdef1234567890abcdef1234567890abcdef12",
            "head_commit": {
                "id": "abcdef1234567890abcdef1234567890abcdef12",
                "message": "Add sprockets\n\nLonger description.",
                "author": {"name": "Ada Lovelace", "email": "ada@example.com", "username": "ada"}
            },
            "repository": repository(),
            "sender": {"login": "ada"}
        }),
        &[("INPUT_STATUS", "failure")],
    );
    assert_eq!(
        ctx["ci"],
        json!({"provider": "github", "server_url": "https://github.com"})
    );
    assert_eq!(ctx["status"], "failure");
    assert_eq!(ctx["event"], "build");
    assert_eq!(ctx["title"], "❌ CI failed: acme/widgets@main");
    assert_eq!(ctx["message"], "Add sprockets\n\nLonger description.");
    assert_eq!(
        ctx["repository"],
        json!({"name": "widgets", "full_name": "acme/widgets", "url": "https://github.com/acme/widgets"})
    );
    assert_eq!(
        ctx["commit"]["sha"],
        "abcdef1234567890abcdef1234567890abcdef12"
    );
    assert_eq!(ctx["commit"]["short_sha"], "abcdef1");
    assert_eq!(ctx["commit"]["title"], "Add sprockets");
    assert_eq!(
        ctx["commit"]["url"],
        "https://github.com/acme/widgets/commit/abcdef1234567890abcdef1234567890abcdef12"
    );
    assert_eq!(
        ctx["commit"]["author"],
        json!({"name": "Ada Lovelace", "email": "ada@example.com", "username": "ada"})
    );
    assert_eq!(
        ctx["ref"],
        json!({"name": "main", "type": "branch", "url": "https://github.com/acme/widgets/tree/main"})
    );
    assert_eq!(ctx["actor"], "octocat");
    assert_eq!(
        ctx["run"],
        json!({"id": "9876543210", "number": "42", "attempt": "1", "url": "https://github.com/acme/widgets/actions/runs/9876543210"})
    );
    assert_eq!(ctx["workflow"], "CI");
    assert_eq!(ctx["job"], "build");
    assert_eq!(
        ctx["event_payload"]["head_commit"]["author"]["username"],
        "ada"
    );
    // Devtron's names for the same facts.
    assert_eq!(ctx["eventType"], "fail");
    assert_eq!(ctx["devtronAppName"], "widgets");
    assert_eq!(ctx["devtronPipelineType"], "CI");
    assert_eq!(ctx["devtronCiPipelineId"], "9876543210");
    assert_eq!(
        ctx["devtronBuildGitCommitHash"],
        "abcdef1234567890abcdef1234567890abcdef12"
    );
    assert_eq!(ctx["devtronTriggeredByEmail"], "ada@example.com");
    assert_eq!(
        ctx["buildHistoryLink"],
        "https://github.com/acme/widgets/actions/runs/9876543210"
    );
    assert_eq!(ctx["appDetailsLink"], "https://github.com/acme/widgets");
}

#[test]
fn github_tag_push() {
    let ctx = github(
        "push",
        json!({
            "ref": "refs/tags/v1.2.3",
            "before": "0000000000000000000000000000000000000000",
            "after": "abcdef1234567890abcdef1234567890abcdef12",
            "head_commit": {"id": "abcdef1234567890abcdef1234567890abcdef12", "message": "Release 1.2.3", "author": {"name": "Ada", "email": "ada@example.com"}},
            "repository": repository()
        }),
        &[
            ("GITHUB_REF", "refs/tags/v1.2.3"),
            ("GITHUB_REF_NAME", "v1.2.3"),
            ("GITHUB_REF_TYPE", "tag"),
        ],
    );
    assert_eq!(
        ctx["ref"],
        json!({"name": "v1.2.3", "type": "tag", "url": "https://github.com/acme/widgets/releases/tag/v1.2.3"})
    );
    assert_eq!(
        ctx["commit"]["sha"],
        "abcdef1234567890abcdef1234567890abcdef12"
    );
    assert_eq!(ctx["status"], "unknown");
    assert_eq!(ctx["title"], "🔔 CI finished: acme/widgets@v1.2.3");
}

#[test]
fn github_branch_deletion_has_no_head_commit() {
    let ctx = github(
        "push",
        json!({
            "ref": "refs/heads/old-feature",
            "before": "abcdef1234567890abcdef1234567890abcdef12",
            "after": "0000000000000000000000000000000000000000",
            "deleted": true,
            "head_commit": null,
            "commits": [],
            "repository": repository()
        }),
        &[
            ("GITHUB_REF", "refs/heads/old-feature"),
            ("GITHUB_REF_NAME", "old-feature"),
        ],
    );
    assert_eq!(ctx["ref"]["name"], "old-feature");
    // The all-zero `after` is not a commit; GITHUB_SHA (the default branch) stands.
    assert_eq!(
        ctx["commit"]["sha"],
        "ffffffffffffffffffffffffffffffffffffffff"
    );
    assert!(ctx["commit"].get("message").is_none());
    assert_eq!(ctx["message"], "");
}

#[test]
fn github_pull_request_uses_the_head_not_the_merge_commit() {
    let ctx = github(
        "pull_request",
        json!({
            "action": "opened",
            "number": 7,
            "pull_request": {
                "number": 7,
                "title": "Add <b>bold</b> \"widgets\"",
                "html_url": "https://github.com/acme/widgets/pull/7",
                "user": {"login": "grace"},
                "head": {"ref": "feature/bold", "sha": "1234567890123456789012345678901234567890"},
                "base": {"ref": "main", "sha": "9999999999999999999999999999999999999999"}
            },
            "repository": repository()
        }),
        &[
            ("GITHUB_SHA", "feedfeedfeedfeedfeedfeedfeedfeedfeedfeed"),
            ("GITHUB_REF", "refs/pull/7/merge"),
            ("GITHUB_REF_NAME", "7/merge"),
            ("GITHUB_HEAD_REF", "feature/bold"),
            ("GITHUB_BASE_REF", "main"),
        ],
    );
    assert_eq!(
        ctx["commit"]["sha"],
        "1234567890123456789012345678901234567890"
    );
    assert_eq!(ctx["ref"]["name"], "feature/bold");
    assert_eq!(ctx["ref"]["type"], "branch");
    assert_eq!(
        ctx["pull_request"],
        json!({
            "number": "7",
            "title": "Add <b>bold</b> \"widgets\"",
            "url": "https://github.com/acme/widgets/pull/7",
            "source_branch": "feature/bold",
            "target_branch": "main"
        })
    );
    assert_eq!(ctx["commit"]["author"]["username"], "grace");
    assert_eq!(ctx["message"], "#7 Add <b>bold</b> \"widgets\"");
    assert!(!ctx.to_string().contains("7/merge"));
}

#[test]
fn github_release() {
    let ctx = github(
        "release",
        json!({
            "action": "published",
            "release": {"tag_name": "v2.0.0", "name": "", "html_url": "https://github.com/acme/widgets/releases/tag/v2.0.0"},
            "repository": repository()
        }),
        &[
            ("GITHUB_REF", "refs/tags/v2.0.0"),
            ("GITHUB_REF_NAME", "v2.0.0"),
            ("GITHUB_REF_TYPE", "tag"),
            ("INPUT_STATUS", "success"),
        ],
    );
    assert_eq!(ctx["event"], "release");
    // An empty release name falls back to the tag.
    assert_eq!(
        ctx["release"],
        json!({"tag": "v2.0.0", "name": "v2.0.0", "url": "https://github.com/acme/widgets/releases/tag/v2.0.0"})
    );
    assert_eq!(ctx["ref"]["type"], "tag");
    assert_eq!(ctx["title"], "✅ Release succeeded: acme/widgets@v2.0.0");
    assert_eq!(ctx["message"], "v2.0.0");
}

#[test]
fn github_deployment_status() {
    let ctx = github(
        "deployment_status",
        json!({
            "action": "created",
            "deployment_status": {"state": "failure", "environment": "production", "environment_url": "https://widgets.example.com", "target_url": ""},
            "deployment": {"sha": "5555555555555555555555555555555555555555", "ref": "main", "environment": "production"},
            "repository": repository()
        }),
        &[],
    );
    assert_eq!(ctx["event"], "deploy");
    assert_eq!(
        ctx["status"], "failure",
        "the state is the status when none is given"
    );
    assert_eq!(
        ctx["environment"],
        json!({"name": "production", "url": "https://widgets.example.com"})
    );
    assert_eq!(
        ctx["commit"]["sha"],
        "5555555555555555555555555555555555555555"
    );
    assert_eq!(ctx["ref"]["name"], "main");
    assert_eq!(
        ctx["title"],
        "❌ Deploy failed: acme/widgets@main → production"
    );
    assert_eq!(ctx["devtronPipelineType"], "CD");
    assert_eq!(ctx["devtronEnvName"], "production");
}

#[test]
fn an_explicit_status_wins_over_the_event() {
    let ctx = github(
        "deployment_status",
        json!({"deployment_status": {"state": "failure", "environment": "staging"}, "deployment": {"sha": "5555555555555555555555555555555555555555"}, "repository": repository()}),
        &[("INPUT_STATUS", "started")],
    );
    assert_eq!(ctx["status"], "started");
    assert_eq!(ctx["eventType"], "trigger");
}

#[test]
fn github_workflow_run_tells_of_the_run_that_finished() {
    let ctx = github(
        "workflow_run",
        json!({
            "action": "completed",
            "workflow_run": {
                "id": 30433642, "name": "Build", "run_number": 562, "run_attempt": 2,
                "head_branch": "feature/x", "head_sha": "acb5820ced9479c074f688cc328bf03f341a511d",
                "conclusion": "timed_out",
                "html_url": "https://github.com/acme/widgets/actions/runs/30433642",
                "head_commit": {"message": "Speed up", "author": {"name": "Lin", "email": "lin@example.com"}},
                "pull_requests": [{"number": 3, "head": {"ref": "feature/x"}, "base": {"ref": "main"}}]
            },
            "repository": repository()
        }),
        &[],
    );
    assert_eq!(ctx["status"], "failure");
    assert_eq!(
        ctx["commit"]["sha"],
        "acb5820ced9479c074f688cc328bf03f341a511d"
    );
    assert_eq!(ctx["commit"]["message"], "Speed up");
    assert_eq!(ctx["ref"]["name"], "feature/x");
    assert_eq!(
        ctx["run"],
        json!({"id": "30433642", "number": "562", "attempt": "2", "url": "https://github.com/acme/widgets/actions/runs/30433642"})
    );
    assert_eq!(ctx["workflow"], "Build");
    assert_eq!(ctx["pull_request"]["number"], "3");
}

#[test]
fn github_workflow_dispatch() {
    let ctx = github(
        "workflow_dispatch",
        json!({"inputs": {"name": "x"}, "ref": "refs/heads/main", "repository": repository(), "workflow": ".github/workflows/ci.yml"}),
        &[],
    );
    assert_eq!(
        ctx["commit"]["sha"],
        "ffffffffffffffffffffffffffffffffffffffff"
    );
    assert_eq!(ctx["ref"]["name"], "main");
    assert_eq!(ctx["event"], "build");
}

#[test]
fn gitea_and_forgejo_are_told_apart_from_github() {
    let ctx = github(
        "push",
        json!({"repository": repository()}),
        &[
            ("GITEA_ACTIONS", "true"),
            ("GITHUB_SERVER_URL", "https://gitea.example.com/"),
        ],
    );
    assert_eq!(ctx["ci"]["provider"], "gitea");
    assert_eq!(
        ctx["run"]["url"],
        "https://gitea.example.com/acme/widgets/actions/runs/9876543210"
    );
    let ctx = github("push", json!({}), &[("FORGEJO_ACTIONS", "true")]);
    assert_eq!(ctx["ci"]["provider"], "forgejo");
}

const GITLAB: &[(&str, &str)] = &[
    ("GITLAB_CI", "true"),
    ("CI", "true"),
    ("CI_SERVER_URL", "https://gitlab.example.com"),
    ("CI_PROJECT_PATH", "acme/platform/widgets"),
    ("CI_PROJECT_NAME", "widgets"),
    (
        "CI_PROJECT_URL",
        "https://gitlab.example.com/acme/platform/widgets",
    ),
    ("CI_COMMIT_SHA", "0123456789abcdef0123456789abcdef01234567"),
    ("CI_COMMIT_SHORT_SHA", "01234567"),
    ("CI_COMMIT_MESSAGE", "Tune the gears\n\nDetails."),
    ("CI_COMMIT_TITLE", "Tune the gears"),
    ("CI_COMMIT_AUTHOR", "Grace Hopper <grace@example.com>"),
    ("CI_COMMIT_REF_NAME", "main"),
    ("GITLAB_USER_LOGIN", "ghopper"),
    ("CI_PIPELINE_ID", "1000123"),
    ("CI_PIPELINE_IID", "77"),
    (
        "CI_PIPELINE_URL",
        "https://gitlab.example.com/acme/platform/widgets/-/pipelines/1000123",
    ),
    ("CI_JOB_NAME", "test"),
];

fn gitlab(extra: &[(&str, &str)]) -> Value {
    context(&[GITLAB, extra].concat())
}

#[test]
fn gitlab_branch_pipeline() {
    let ctx = gitlab(&[("CI_COMMIT_BRANCH", "main"), ("CI_JOB_STATUS", "failed")]);
    assert_eq!(
        ctx["ci"],
        json!({"provider": "gitlab", "server_url": "https://gitlab.example.com"})
    );
    assert_eq!(ctx["status"], "failure");
    assert_eq!(
        ctx["repository"],
        json!({"name": "widgets", "full_name": "acme/platform/widgets", "url": "https://gitlab.example.com/acme/platform/widgets"})
    );
    assert_eq!(ctx["commit"]["short_sha"], "01234567");
    assert_eq!(ctx["commit"]["title"], "Tune the gears");
    assert_eq!(
        ctx["commit"]["author"],
        json!({"name": "Grace Hopper", "email": "grace@example.com"})
    );
    assert_eq!(ctx["commit"]["url"], "https://gitlab.example.com/acme/platform/widgets/-/commit/0123456789abcdef0123456789abcdef01234567");
    assert_eq!(
        ctx["ref"],
        json!({"name": "main", "type": "branch", "url": "https://gitlab.example.com/acme/platform/widgets/-/tree/main"})
    );
    assert_eq!(
        ctx["run"],
        json!({"id": "1000123", "number": "77", "url": "https://gitlab.example.com/acme/platform/widgets/-/pipelines/1000123"})
    );
    assert_eq!(ctx["actor"], "ghopper");
    assert_eq!(ctx["job"], "test");
    assert_eq!(ctx["title"], "❌ Build failed: acme/platform/widgets@main");
}

#[test]
fn gitlab_merge_request_pipeline_without_commit_branch() {
    let ctx = gitlab(&[
        ("CI_COMMIT_REF_NAME", "feature/gears"),
        ("CI_PIPELINE_SOURCE", "merge_request_event"),
        ("CI_MERGE_REQUEST_IID", "12"),
        ("CI_MERGE_REQUEST_TITLE", "Gears: tune them"),
        (
            "CI_MERGE_REQUEST_PROJECT_URL",
            "https://gitlab.example.com/acme/platform/widgets",
        ),
        ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "feature/gears"),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
    ]);
    assert_eq!(ctx["ref"]["name"], "feature/gears");
    assert_eq!(
        ctx["pull_request"],
        json!({
            "number": "12",
            "title": "Gears: tune them",
            "url": "https://gitlab.example.com/acme/platform/widgets/-/merge_requests/12",
            "source_branch": "feature/gears",
            "target_branch": "main"
        })
    );
    assert_eq!(ctx["message"], "#12 Gears: tune them");
}

#[test]
fn gitlab_tag_pipeline() {
    let ctx = gitlab(&[
        ("CI_COMMIT_TAG", "v3.1.0"),
        ("CI_COMMIT_REF_NAME", "v3.1.0"),
    ]);
    assert_eq!(
        ctx["ref"],
        json!({"name": "v3.1.0", "type": "tag", "url": "https://gitlab.example.com/acme/platform/widgets/-/tags/v3.1.0"})
    );
}

#[test]
fn gitlab_job_statuses_map_onto_ours() {
    for (raw, status) in [
        ("success", "success"),
        ("failed", "failure"),
        ("canceled", "cancelled"),
        ("timedout", "failure"),
        ("running", "started"),
    ] {
        assert_eq!(gitlab(&[("CI_JOB_STATUS", raw)])["status"], status, "{raw}");
    }
}

#[test]
fn gitlab_environment_job_is_a_deploy() {
    let ctx = gitlab(&[
        ("CI_ENVIRONMENT_NAME", "production"),
        ("CI_ENVIRONMENT_URL", "https://widgets.example.com"),
        ("CI_COMMIT_BRANCH", "main"),
    ]);
    assert_eq!(ctx["event"], "deploy");
    assert_eq!(
        ctx["environment"],
        json!({"name": "production", "url": "https://widgets.example.com"})
    );
    let stop = gitlab(&[
        ("CI_ENVIRONMENT_NAME", "review/x"),
        ("CI_ENVIRONMENT_ACTION", "stop"),
    ]);
    assert_eq!(stop["event"], "build");
}

#[test]
fn local_run_and_settings_over_the_context() {
    let ctx = context(&[]);
    assert_eq!(ctx["ci"]["provider"], "local");
    assert_eq!(ctx["status"], "unknown");
    assert_eq!(ctx["event"], "build");
    assert_eq!(ctx["title"], "🔔 Build finished");

    let ctx = context(&[
        ("CRIER_STATUS", "Succeeded"),
        ("CRIER_EVENT", "deploy"),
        ("CRIER_ENVIRONMENT", "staging"),
        ("CRIER_IMAGE", "ghcr.io/acme/widgets:1.4.2"),
        ("CRIER_VARS", "team=platform\nowner=ops"),
        ("CRIER_MENTION", "<@U123>"),
        (
            "CRIER_TITLE",
            "{{upper event}} of {{vars.team}} to {{environment.name}}",
        ),
        ("CRIER_MESSAGE", "Image {{image.repo}} tag {{image.tag}}"),
    ]);
    assert_eq!(ctx["status"], "success");
    assert_eq!(ctx["title"], "DEPLOY of platform to staging");
    assert_eq!(ctx["message"], "Image ghcr.io/acme/widgets tag 1.4.2");
    assert_eq!(
        ctx["image"],
        json!({"repo": "ghcr.io/acme/widgets", "tag": "1.4.2"})
    );
    assert_eq!(ctx["vars"], json!({"owner": "ops", "team": "platform"}));
    assert_eq!(ctx["devtronContainerImageRepo"], "ghcr.io/acme/widgets");
    assert_eq!(ctx["devtronContainerImageTag"], "1.4.2");
    // A mention applies only on failure.
    assert_eq!(ctx["mention"], "");
    let ctx = context(&[("CRIER_STATUS", "failed"), ("CRIER_MENTION", "<@U123>")]);
    assert_eq!(ctx["mention"], "<@U123>");
}

#[test]
fn a_local_run_reads_an_event_file_as_github_would() {
    let ctx = context(&[]);
    assert!(ctx.get("event_payload").is_none());
    let run = crier(
        &[
            "--print-context",
            "--event-file",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/push-event.json"),
        ],
        &[],
    );
    let ctx: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(ctx["ci"]["provider"], "local");
    assert_eq!(ctx["repository"]["full_name"], "acme/widgets");
    assert_eq!(ctx["commit"]["author"]["username"], "ada");
    assert_eq!(ctx["ref"]["name"], "main");
}
