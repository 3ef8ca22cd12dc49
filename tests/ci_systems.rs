//! The context from each CI system beyond GitHub and GitLab, built from the variables its
//! documentation lists, seen through `crier --print-context`.

mod common;

use common::crier;
use serde_json::{json, Value};

fn context(env: &[(&str, &str)]) -> Value {
    let run = crier(&["--print-context"], env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("the context is JSON")
}

#[test]
fn drone() {
    let env = [
        ("CI", "true"),
        ("DRONE", "true"),
        ("DRONE_SYSTEM_PROTO", "https"),
        ("DRONE_SYSTEM_HOST", "drone.example.com"),
        ("DRONE_REPO", "acme/widgets"),
        ("DRONE_REPO_NAME", "widgets"),
        ("DRONE_REPO_LINK", "https://git.example.com/acme/widgets"),
        (
            "DRONE_COMMIT_SHA",
            "d1d2d3d4d5d6d7d8d9d0d1d2d3d4d5d6d7d8d9d0",
        ),
        ("DRONE_COMMIT_MESSAGE", "Polish the gears\n\nMore."),
        (
            "DRONE_COMMIT_LINK",
            "https://git.example.com/acme/widgets/commit/d1d2d3",
        ),
        ("DRONE_COMMIT_AUTHOR", "ada"),
        ("DRONE_COMMIT_AUTHOR_NAME", "Ada Lovelace"),
        ("DRONE_COMMIT_AUTHOR_EMAIL", "ada@example.com"),
        ("DRONE_BRANCH", "main"),
        ("DRONE_BUILD_NUMBER", "88"),
        (
            "DRONE_BUILD_LINK",
            "https://drone.example.com/acme/widgets/88",
        ),
        ("DRONE_BUILD_EVENT", "push"),
        ("DRONE_BUILD_STATUS", "failure"),
        ("DRONE_BUILD_TRIGGER", "ada"),
        ("DRONE_STAGE_NAME", "default"),
    ];
    let ctx = context(&env);
    assert_eq!(
        ctx["ci"],
        json!({"provider": "drone", "server_url": "https://drone.example.com"})
    );
    assert_eq!(ctx["status"], "failure");
    assert_eq!(ctx["repository"]["full_name"], "acme/widgets");
    assert_eq!(ctx["commit"]["short_sha"], "d1d2d3d");
    assert_eq!(ctx["commit"]["title"], "Polish the gears");
    assert_eq!(
        ctx["commit"]["author"],
        json!({"name": "Ada Lovelace", "email": "ada@example.com", "username": "ada"})
    );
    assert_eq!(ctx["ref"]["name"], "main");
    assert_eq!(
        ctx["run"],
        json!({"id": "88", "number": "88", "url": "https://drone.example.com/acme/widgets/88"})
    );
    assert_eq!(ctx["title"], "❌ Build failed: acme/widgets@main");

    // A promotion to an environment is a deploy; a tag is a tag.
    let promote = [
        &env[..],
        &[
            ("DRONE_BUILD_EVENT", "promote"),
            ("DRONE_DEPLOY_TO", "production"),
            ("DRONE_TAG", "v1.0.0"),
        ],
    ]
    .concat();
    let ctx = context(&promote);
    assert_eq!(ctx["event"], "deploy");
    assert_eq!(ctx["environment"]["name"], "production");
    assert_eq!(ctx["ref"]["type"], "tag");
    // Harness sets Drone's variables too.
    let harness: Vec<_> = env
        .iter()
        .filter(|(k, _)| *k != "DRONE")
        .copied()
        .chain([("HARNESS_BUILD_ID", "7")])
        .collect();
    assert_eq!(context(&harness)["ci"]["provider"], "drone");
}

#[test]
fn woodpecker() {
    let env = [
        ("CI", "woodpecker"),
        ("CI_SYSTEM_URL", "https://ci.example.com"),
        ("CI_REPO", "acme/widgets"),
        ("CI_REPO_NAME", "widgets"),
        ("CI_REPO_URL", "https://git.example.com/acme/widgets"),
        ("CI_COMMIT_SHA", "a1a2a3a4a5a6a7a8a9a0a1a2a3a4a5a6a7a8a9a0"),
        ("CI_COMMIT_BRANCH", "main"),
        ("CI_COMMIT_SOURCE_BRANCH", "feature/x"),
        ("CI_COMMIT_TARGET_BRANCH", "main"),
        ("CI_COMMIT_PULL_REQUEST", "14"),
        ("CI_COMMIT_MESSAGE", "Speed up"),
        ("CI_COMMIT_AUTHOR", "grace"),
        ("CI_COMMIT_AUTHOR_EMAIL", "grace@example.com"),
        ("CI_PIPELINE_NUMBER", "301"),
        (
            "CI_PIPELINE_URL",
            "https://ci.example.com/repos/1/pipeline/301",
        ),
        ("CI_PIPELINE_EVENT", "pull_request"),
        ("CI_PIPELINE_STATUS", "success"),
        ("CI_PIPELINE_AUTHOR", "grace"),
        ("CI_STEP_NAME", "notify"),
        ("CI_WORKFLOW_NAME", "build"),
    ];
    let ctx = context(&env);
    assert_eq!(
        ctx["ci"]["provider"], "woodpecker",
        "not GitLab, despite the CI_* names"
    );
    assert_eq!(ctx["status"], "success");
    assert_eq!(ctx["ref"]["name"], "feature/x");
    assert_eq!(
        ctx["pull_request"],
        json!({"number": "14", "source_branch": "feature/x", "target_branch": "main"})
    );
    assert_eq!(
        ctx["commit"]["author"],
        json!({"email": "grace@example.com", "username": "grace"})
    );
    assert_eq!(
        ctx["run"]["url"],
        "https://ci.example.com/repos/1/pipeline/301"
    );
    assert_eq!(ctx["workflow"], "build");
    assert_eq!(ctx["job"], "notify");
    let deploy = context(
        &[
            &env[..],
            &[
                ("CI_PIPELINE_EVENT", "deployment"),
                ("CI_PIPELINE_DEPLOY_TARGET", "staging"),
            ],
        ]
        .concat(),
    );
    assert_eq!(
        (
            deploy["event"].as_str(),
            deploy["environment"]["name"].as_str()
        ),
        (Some("deploy"), Some("staging"))
    );
}

#[test]
fn bitbucket() {
    let env = [
        ("CI", "true"),
        ("BITBUCKET_BUILD_NUMBER", "55"),
        ("BITBUCKET_REPO_FULL_NAME", "acme/widgets"),
        ("BITBUCKET_REPO_SLUG", "widgets"),
        (
            "BITBUCKET_COMMIT",
            "b1b2b3b4b5b6b7b8b9b0b1b2b3b4b5b6b7b8b9b0",
        ),
        ("BITBUCKET_BRANCH", "main"),
        ("BITBUCKET_PIPELINE_UUID", "{1234-5678}"),
        ("BITBUCKET_DEPLOYMENT_ENVIRONMENT", "production"),
        ("BITBUCKET_EXIT_CODE", "1"),
    ];
    let ctx = context(&env);
    assert_eq!(ctx["ci"]["provider"], "bitbucket");
    assert_eq!(ctx["status"], "failure");
    assert_eq!(ctx["event"], "deploy");
    assert_eq!(
        ctx["repository"]["url"],
        "https://bitbucket.org/acme/widgets"
    );
    assert_eq!(
        ctx["run"]["url"],
        "https://bitbucket.org/acme/widgets/addon/pipelines/home#!/results/55"
    );
    assert_eq!(
        ctx["commit"]["url"],
        "https://bitbucket.org/acme/widgets/commits/b1b2b3b4b5b6b7b8b9b0b1b2b3b4b5b6b7b8b9b0"
    );
    let passed = context(&[&env[..], &[("BITBUCKET_EXIT_CODE", "0")]].concat());
    assert_eq!(passed["status"], "success");
}

#[test]
fn circleci() {
    let ctx = context(&[
        ("CI", "true"),
        ("CIRCLECI", "true"),
        ("CIRCLE_PROJECT_USERNAME", "acme"),
        ("CIRCLE_PROJECT_REPONAME", "widgets"),
        ("CIRCLE_REPOSITORY_URL", "git@github.com:acme/widgets.git"),
        ("CIRCLE_SHA1", "c1c2c3c4c5c6c7c8c9c0c1c2c3c4c5c6c7c8c9c0"),
        ("CIRCLE_BRANCH", "feature/y"),
        ("CIRCLE_BUILD_NUM", "901"),
        (
            "CIRCLE_BUILD_URL",
            "https://circleci.com/gh/acme/widgets/901",
        ),
        ("CIRCLE_WORKFLOW_ID", "wf-1"),
        ("CIRCLE_JOB", "test"),
        ("CIRCLE_USERNAME", "lin"),
        (
            "CIRCLE_PULL_REQUEST",
            "https://github.com/acme/widgets/pull/21",
        ),
    ]);
    assert_eq!(ctx["ci"]["provider"], "circleci");
    assert_eq!(ctx["status"], "unknown", "CircleCI exposes no status");
    assert_eq!(ctx["repository"]["full_name"], "acme/widgets");
    assert!(
        ctx["repository"].get("url").is_none(),
        "an SSH clone URL is not a link"
    );
    assert_eq!(
        ctx["run"],
        json!({"id": "wf-1", "number": "901", "url": "https://circleci.com/gh/acme/widgets/901"})
    );
    assert_eq!(ctx["pull_request"]["number"], "21");
    assert_eq!(
        ctx["pull_request"]["url"],
        "https://github.com/acme/widgets/pull/21"
    );
}

#[test]
fn jenkins() {
    let ctx = context(&[
        ("JENKINS_URL", "https://jenkins.example.com/"),
        ("BUILD_ID", "77"),
        ("BUILD_NUMBER", "77"),
        ("BUILD_URL", "https://jenkins.example.com/job/widgets/77/"),
        ("JOB_NAME", "widgets"),
        ("GIT_URL", "https://git.example.com/acme/widgets.git"),
        ("GIT_COMMIT", "e1e2e3e4e5e6e7e8e9e0e1e2e3e4e5e6e7e8e9e0"),
        ("GIT_BRANCH", "origin/main"),
    ]);
    assert_eq!(
        ctx["ci"],
        json!({"provider": "jenkins", "server_url": "https://jenkins.example.com"})
    );
    assert_eq!(ctx["ref"]["name"], "main", "the remote's name is dropped");
    assert_eq!(ctx["repository"]["full_name"], "acme/widgets");
    assert_eq!(
        ctx["run"]["url"],
        "https://jenkins.example.com/job/widgets/77/"
    );
    assert_eq!(ctx["workflow"], "widgets");
}

#[test]
fn azure() {
    let env = [
        ("TF_BUILD", "True"),
        ("SYSTEM_COLLECTIONURI", "https://dev.azure.com/acme/"),
        ("SYSTEM_TEAMPROJECT", "Widgets"),
        ("BUILD_REPOSITORY_NAME", "acme/widgets"),
        ("BUILD_REPOSITORY_URI", "https://github.com/acme/widgets"),
        (
            "BUILD_SOURCEVERSION",
            "f1f2f3f4f5f6f7f8f9f0f1f2f3f4f5f6f7f8f9f0",
        ),
        ("BUILD_SOURCEVERSIONMESSAGE", "Fix flaky test"),
        ("BUILD_SOURCEVERSIONAUTHOR", "Ada"),
        ("BUILD_SOURCEBRANCH", "refs/heads/feature/deep/branch"),
        ("BUILD_SOURCEBRANCHNAME", "branch"),
        ("BUILD_BUILDID", "4321"),
        ("BUILD_BUILDNUMBER", "20261122.3"),
        ("BUILD_DEFINITIONNAME", "widgets-ci"),
        ("BUILD_REQUESTEDFOR", "Ada"),
        ("AGENT_JOBSTATUS", "SucceededWithIssues"),
        ("SYSTEM_JOBDISPLAYNAME", "Build"),
    ];
    let ctx = context(&env);
    assert_eq!(ctx["ci"]["provider"], "azure");
    assert_eq!(ctx["status"], "success");
    assert_eq!(
        ctx["ref"]["name"], "feature/deep/branch",
        "the whole branch, not its last segment"
    );
    assert_eq!(
        ctx["run"]["url"],
        "https://dev.azure.com/acme/Widgets/_build/results?buildId=4321"
    );
    for (raw, status) in [
        ("Failed", "failure"),
        ("Canceled", "cancelled"),
        ("Skipped", "skipped"),
        ("Succeeded", "success"),
    ] {
        assert_eq!(
            context(&[&env[..], &[("AGENT_JOBSTATUS", raw)]].concat())["status"],
            status,
            "{raw}"
        );
    }
    let tag = context(&[&env[..], &[("BUILD_SOURCEBRANCH", "refs/tags/v3.0")]].concat());
    assert_eq!(
        (tag["ref"]["name"].as_str(), tag["ref"]["type"].as_str()),
        (Some("v3.0"), Some("tag"))
    );
}

#[test]
fn buildkite() {
    let env = [
        ("BUILDKITE", "true"),
        ("BUILDKITE_ORGANIZATION_SLUG", "acme"),
        ("BUILDKITE_PIPELINE_SLUG", "widgets"),
        ("BUILDKITE_REPO", "https://github.com/acme/widgets.git"),
        (
            "BUILDKITE_COMMIT",
            "9999999999999999999999999999999999999999",
        ),
        ("BUILDKITE_BRANCH", "main"),
        ("BUILDKITE_MESSAGE", "Ship it"),
        ("BUILDKITE_BUILD_AUTHOR", "Ada"),
        ("BUILDKITE_BUILD_AUTHOR_EMAIL", "ada@example.com"),
        ("BUILDKITE_BUILD_CREATOR", "Ada"),
        ("BUILDKITE_BUILD_ID", "uuid-1"),
        ("BUILDKITE_BUILD_NUMBER", "12"),
        (
            "BUILDKITE_BUILD_URL",
            "https://buildkite.com/acme/widgets/builds/12",
        ),
        ("BUILDKITE_LABEL", ":rust: test"),
        ("BUILDKITE_PULL_REQUEST", "false"),
    ];
    let ctx = context(&env);
    assert_eq!(ctx["ci"]["provider"], "buildkite");
    assert!(
        ctx.get("pull_request").is_none(),
        "\"false\" is not a pull request"
    );
    assert_eq!(
        ctx["repository"],
        json!({"name": "widgets", "full_name": "acme/widgets", "url": "https://github.com/acme/widgets"})
    );
    assert_eq!(ctx["commit"]["message"], "Ship it");
    let pr = context(
        &[
            &env[..],
            &[
                ("BUILDKITE_PULL_REQUEST", "8"),
                ("BUILDKITE_PULL_REQUEST_BASE_BRANCH", "main"),
            ],
        ]
        .concat(),
    );
    assert_eq!(pr["pull_request"]["number"], "8");
    let head = context(&[&env[..], &[("BUILDKITE_COMMIT", "HEAD")]].concat());
    assert!(head["commit"].get("sha").is_none(), "HEAD is not a commit");
}
