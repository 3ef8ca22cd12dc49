//! What the run means, read from a loopback stand-in for GitHub's REST API and GitLab's API
//! v4. Bodies follow the APIs' published descriptions (GitHub: `workflow-run`, `job` and the
//! list wrappers `{total_count, workflow_runs}` / `{total_count, jobs}`; GitLab: the pipeline
//! and job entities), with only the fields crier reads besides a few others.

mod common;

use std::time::{Duration, SystemTime};

use common::{crier, crier_timed, github_env, pairs, push_event, Answer, Server, TempDir};
use serde_json::{json, Value};

const TOKEN: &str = "ghs_Tok3nThatMustNeverShow42";
const REPO: &str = "/repos/acme/widgets/actions";

fn iso(seconds_ago: u64) -> String {
    let at = SystemTime::now() - Duration::from_secs(seconds_ago);
    let secs = at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// This run, as `GET /repos/{owner}/{repo}/actions/runs/{run_id}` answers.
fn this_run(attempt: u32) -> Value {
    json!({"id": 9876543210u64, "name": "CI", "node_id": "WFR_1", "head_branch": "main",
           "head_sha": "2222222222222222222222222222222222222222", "run_number": 42,
           "event": "push", "status": "in_progress", "conclusion": null, "workflow_id": 161335,
           "html_url": "https://github.com/acme/widgets/actions/runs/9876543210",
           "created_at": iso(200), "updated_at": iso(1), "run_attempt": attempt,
           "run_started_at": iso(185)})
}

/// A job as `GET …/runs/{run_id}/jobs` lists it.
fn job(id: u64, name: &str, conclusion: Option<&str>, failed_step: Option<&str>) -> Value {
    let status = if conclusion.is_some() {
        "completed"
    } else {
        "in_progress"
    };
    let mut steps = vec![
        json!({"name": "Set up job", "status": "completed", "conclusion": "success", "number": 1}),
    ];
    if let Some(step) = failed_step {
        steps.push(
            json!({"name": step, "status": "completed", "conclusion": "failure", "number": 2}),
        );
    }
    json!({"id": id, "run_id": 9876543210u64, "name": name, "status": status, "conclusion": conclusion,
           "head_sha": "2222222222222222222222222222222222222222",
           "html_url": format!("https://github.com/acme/widgets/actions/runs/9876543210/job/{id}"),
           "started_at": iso(180), "completed_at": if conclusion.is_some() { json!(iso(60)) } else { Value::Null },
           "steps": steps, "labels": ["ubuntu-latest"]})
}

fn jobs(list: Vec<Value>) -> Answer {
    Answer::body(
        200,
        &json!({"total_count": list.len(), "jobs": list}).to_string(),
    )
}

/// Earlier runs as `GET …/workflows/{workflow_id}/runs` lists them, newest first.
fn earlier(conclusions: &[&str]) -> Answer {
    let runs: Vec<Value> = conclusions
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let id = 9876543000u64 - i as u64;
            json!({"id": id, "run_number": 41 - i, "status": "completed", "conclusion": c,
                   "head_sha": format!("{:040}", i), "html_url": format!("https://github.com/acme/widgets/actions/runs/{id}"),
                   "workflow_id": 161335, "head_branch": "main", "run_attempt": 1})
        })
        .collect();
    Answer::body(
        200,
        &json!({"total_count": runs.len(), "workflow_runs": runs}).to_string(),
    )
}

/// The API, answering by path; `GET …/runs/9876543210` last, as the others start with it.
fn api(jobs_answer: Answer, earlier_answer: Answer, extra: Vec<(String, Answer)>) -> Server {
    let mut routes = extra;
    routes.push((format!("{REPO}/runs/9876543210/jobs"), jobs_answer));
    routes.push((format!("{REPO}/workflows/ci.yml/runs"), earlier_answer));
    routes.push((
        format!("{REPO}/runs/9876543210"),
        Answer::body(200, &this_run(1).to_string()),
    ));
    Server::routed(routes, Answer::status(404))
}

/// A GitHub run's environment pointing at `api`, with the token, sending to `hook`.
fn env(dir: &TempDir, api: &Server, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env = github_env(dir, "push", &push_event("Add sprockets"));
    env.push(("GITHUB_API_URL".into(), api.url("")));
    env.push((
        "GITHUB_WORKFLOW_REF".into(),
        "acme/widgets/.github/workflows/ci.yml@refs/heads/main".into(),
    ));
    env.push(("INPUT_GITHUB-TOKEN".into(), TOKEN.into()));
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

/// One run to a Slack stand-in; the message sent, if any, and stderr.
fn notify(api: &Server, args: &[&str], extra: &[(&str, &str)]) -> (Option<Value>, common::Run) {
    let hook = Server::always(Answer::body(200, "ok"));
    let dir = TempDir::new();
    let to = format!("slack+{}", hook.url("/services/T0/B0/X"));
    let mut all = vec!["--to", to.as_str(), "--retries", "0"];
    all.extend(args);
    let env = env(&dir, api, extra);
    let run = crier(&all, &pairs(&env));
    assert!(
        !run.all_output().contains(TOKEN),
        "the token leaked: {}",
        run.all_output()
    );
    for request in api.requests() {
        let auth = request.header("authorization");
        assert!(
            auth.is_none() || auth == Some(&format!("Bearer {TOKEN}")),
            "{auth:?}"
        );
    }
    for request in hook.requests() {
        assert!(
            request.header("authorization").is_none(),
            "the token went to the webhook"
        );
    }
    (hook.requests().first().map(|r| r.json()), run)
}

/// The context a run prints, checking that the token shows nowhere.
fn context_of(env: &[(String, String)]) -> Value {
    let run = crier(&["--print-context"], &pairs(env));
    assert!(
        !run.all_output().contains(TOKEN),
        "the token leaked: {}",
        run.all_output()
    );
    serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{}", run.stderr))
}

fn text(message: &Value) -> String {
    fn strings(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            Value::Object(m) => m.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    strings(message, &mut out);
    out.join("\n")
}

#[test]
fn broken_run_status_with_failed_jobs_and_steps() {
    let api = api(
        jobs(vec![
            job(1, "build (ubuntu)", Some("success"), None),
            job(2, "test (macos)", Some("failure"), Some("Run tests")),
            job(3, "notify", None, None),
        ]),
        earlier(&["success", "success"]),
        vec![],
    );
    let (sent, run) = notify(&api, &["--status", "run", "--on", "changes"], &[]);
    let sent = sent.unwrap_or_else(|| panic!("nothing sent: {}", run.stderr));
    let all = text(&sent);
    assert_eq!(
        sent["blocks"][0]["text"]["text"], "❌ CI broken: acme/widgets@main",
        "{all}"
    );
    assert!(
        all.contains("test (macos)") && all.contains("Run tests"),
        "{all}"
    );
    assert!(
        all.contains("/job/2|test (macos)>"),
        "the failed job links to its page: {all}"
    );
    assert!(
        !all.contains("build (ubuntu)"),
        "only failed jobs are listed: {all}"
    );
    assert!(
        all.contains("3m") || all.contains("2m"),
        "the duration is shown: {all}"
    );
    assert_eq!(sent["attachments"][0]["color"], "#e01e5a");
}

#[test]
fn fixed_notifies_on_changes_and_on_failure_fixed() {
    let api = api(
        jobs(vec![
            job(1, "build", Some("success"), None),
            job(3, "notify", None, None),
        ]),
        earlier(&["failure", "failure"]),
        vec![],
    );
    for on in ["changes", "failure, fixed", "fixed"] {
        let (sent, run) = notify(&api, &["--status", "run", "--on", on], &[]);
        let sent = sent.unwrap_or_else(|| panic!("on {on}: nothing sent: {}", run.stderr));
        assert_eq!(
            sent["blocks"][0]["text"]["text"],
            "✅ CI fixed: acme/widgets@main"
        );
    }
}

#[test]
fn still_failing_counts_the_streak_and_is_not_a_change() {
    let api = api(
        jobs(vec![job(2, "test", Some("failure"), Some("Run tests"))]),
        earlier(&["failure", "failure", "success", "failure"]),
        vec![],
    );
    let (sent, run) = notify(&api, &["--status", "run", "--on", "changes"], &[]);
    assert!(sent.is_none(), "still failing is not a change");
    assert!(run.stderr.contains("still failing"), "{}", run.stderr);
    let (sent, _) = notify(&api, &["--status", "run", "--on", "failure"], &[]);
    assert_eq!(
        sent.unwrap()["blocks"][0]["text"]["text"],
        "❌ CI still failing (3 runs): acme/widgets@main"
    );
    let (sent, _) = notify(&api, &["--status", "run", "--on", "still-failing"], &[]);
    assert!(sent.is_some());
}

#[test]
fn the_context_tells_the_change_previous_streak_jobs_and_duration() {
    let api = api(
        jobs(vec![
            job(1, "build", Some("success"), None),
            job(2, "lint", Some("failure"), Some("clippy")),
        ]),
        earlier(&["cancelled", "success", "success"]),
        vec![],
    );
    let dir = TempDir::new();
    let env = env(&dir, &api, &[("INPUT_STATUS", "run")]);
    let ctx = context_of(&env);
    assert_eq!(ctx["status"], "failure");
    assert_eq!(ctx["change"], "broken");
    // The cancelled run in between is skipped.
    assert_eq!(ctx["previous"]["status"], "success");
    assert_eq!(ctx["previous"]["number"], "40");
    assert_eq!(ctx["streak"], 1);
    assert_eq!(ctx["jobs"].as_array().unwrap().len(), 2);
    assert_eq!(ctx["failed_jobs"][0]["name"], "lint");
    assert_eq!(ctx["failed_jobs"][0]["failed_steps"], json!(["clippy"]));
    assert_eq!(ctx["failed_jobs"][0]["duration_s"], 120);
    let duration = ctx["duration_s"].as_u64().unwrap();
    assert!((180..400).contains(&duration), "{duration}");
}

#[test]
fn the_first_run_and_a_re_run() {
    let api_first = api(
        jobs(vec![job(1, "build", Some("success"), None)]),
        earlier(&[]),
        vec![],
    );
    let dir = TempDir::new();
    let env1 = env(&dir, &api_first, &[("INPUT_STATUS", "run")]);
    let ctx: Value =
        serde_json::from_str(&crier(&["--print-context"], &pairs(&env1)).stdout).unwrap();
    assert_eq!(ctx["change"], "first");
    assert_eq!(ctx["previous"], Value::Null);
    // A re-run compares with the attempt before it, whatever the earlier runs were.
    let api_rerun = api(
        jobs(vec![job(1, "build", Some("success"), None)]),
        earlier(&["success"]),
        vec![(
            format!("{REPO}/runs/9876543210/attempts/1"),
            Answer::body(200, &json!({"id": 9876543210u64, "run_number": 42, "run_attempt": 1, "conclusion": "failure",
                                      "html_url": "https://github.com/acme/widgets/actions/runs/9876543210/attempts/1",
                                      "head_sha": "2222222222222222222222222222222222222222"}).to_string()),
        )],
    );
    let env2 = env(
        &dir,
        &api_rerun,
        &[("INPUT_STATUS", "run"), ("GITHUB_RUN_ATTEMPT", "2")],
    );
    let env2: Vec<(String, String)> = env2.into_iter().rev().fold(Vec::new(), |mut acc, (k, v)| {
        if !acc.iter().any(|(a, _): &(String, String)| *a == k) {
            acc.push((k, v));
        }
        acc
    });
    let ctx: Value =
        serde_json::from_str(&crier(&["--print-context"], &pairs(&env2)).stdout).unwrap();
    assert_eq!(ctx["change"], "fixed", "{ctx}");
}

#[test]
fn jobs_are_read_across_pages_on_the_api_host_only() {
    let hook_elsewhere = Server::always(Answer::status(200));
    let api = Server::routed(Vec::new(), Answer::status(404));
    let page2 = format!(
        "{}{REPO}/runs/9876543210/jobs?per_page=100&page=2",
        api.url("")
    );
    let page3 = format!(
        "{}{REPO}/runs/9876543210/jobs?per_page=100&page=3",
        hook_elsewhere.url("")
    );
    api.add_routes(vec![
        (
            format!("{REPO}/runs/9876543210/jobs?per_page=100&page=2"),
            jobs(vec![job(5, "deploy", Some("failure"), Some("Push image"))])
                .with_header("Link", &format!("<{page3}>; rel=\"next\"")),
        ),
        (
            format!("{REPO}/runs/9876543210/jobs"),
            jobs(vec![job(1, "build", Some("success"), None)]).with_header(
                "Link",
                &format!("<{page2}>; rel=\"next\", <{page2}>; rel=\"last\""),
            ),
        ),
        (
            format!("{REPO}/workflows/ci.yml/runs"),
            earlier(&["success"]),
        ),
        (
            format!("{REPO}/runs/9876543210"),
            Answer::body(200, &this_run(1).to_string()),
        ),
    ]);
    let dir = TempDir::new();
    let env = env(&dir, &api, &[("INPUT_STATUS", "run")]);
    let run = crier(&["--print-context"], &pairs(&env));
    let ctx: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        ctx["failed_jobs"][0]["name"],
        "deploy",
        "page 2 was read: {}\n{:?}",
        run.stderr,
        api.requests()
            .iter()
            .map(|r| r.target.clone())
            .collect::<Vec<_>>()
    );
    assert!(
        hook_elsewhere.requests().is_empty(),
        "a link to another host is not followed"
    );
}

#[test]
fn a_ghes_api_url_is_used_as_given() {
    let routes = vec![
        (
            format!("/api/v3{REPO}/runs/9876543210/jobs"),
            jobs(vec![job(2, "test", Some("failure"), None)]),
        ),
        (
            format!("/api/v3{REPO}/workflows/ci.yml/runs"),
            earlier(&["success"]),
        ),
        (
            format!("/api/v3{REPO}/runs/9876543210"),
            Answer::body(200, &this_run(1).to_string()),
        ),
    ];
    let api = Server::routed(routes, Answer::status(404));
    let dir = TempDir::new();
    let mut env = env(&dir, &api, &[("INPUT_STATUS", "run")]);
    env.retain(|(k, _)| k != "GITHUB_API_URL");
    env.push(("GITHUB_API_URL".into(), api.url("/api/v3")));
    let ctx: Value =
        serde_json::from_str(&crier(&["--print-context"], &pairs(&env)).stdout).unwrap();
    assert_eq!(ctx["change"], "broken");
}

#[test]
fn a_lookup_that_fails_never_stops_the_notification() {
    let denied = Answer::body(
        403,
        r#"{"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest"}"#,
    );
    let limited = Answer::body(403, r#"{"message": "API rate limit exceeded"}"#)
        .with_header("x-ratelimit-remaining", "0");
    for (answer, says) in [
        (denied, "actions: read"),
        (limited, "rate limit"),
        (
            Answer::body(200, "<html>not json</html>"),
            "not what its description says",
        ),
    ] {
        let api = Server::routed(Vec::new(), answer);
        let (sent, run) = notify(&api, &["--status", "failure", "--on", "changes"], &[]);
        assert!(sent.is_some(), "an unknown change notifies: {}", run.stderr);
        assert!(run.stderr.contains(says), "{}", run.stderr);
        assert_eq!(
            run.stderr
                .matches("note: cannot read the run's history")
                .count(),
            1,
            "{}",
            run.stderr
        );
        assert_eq!(run.code, 0);
    }
    // Without a token, the same, and nothing is asked.
    let api = Server::routed(Vec::new(), Answer::status(200));
    let hook = Server::always(Answer::body(200, "ok"));
    let dir = TempDir::new();
    let mut env = env(&dir, &api, &[]);
    env.retain(|(k, _)| k != "INPUT_GITHUB-TOKEN");
    let to = format!("slack+{}", hook.url("/services/T0/B0/X"));
    let run = crier(
        &["--to", &to, "--status", "failure", "--on", "changes"],
        &pairs(&env),
    );
    assert_eq!(hook.requests().len(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("no `github-token`"), "{}", run.stderr);
    assert!(api.requests().is_empty());
}

#[test]
fn a_hung_api_costs_its_short_time_limit_and_no_more() {
    let api = Server::routed(Vec::new(), Answer::Hang);
    let hook = Server::always(Answer::body(200, "ok"));
    let dir = TempDir::new();
    let env = env(&dir, &api, &[]);
    let to = format!("slack+{}", hook.url("/services/T0/B0/X"));
    let (run, took) = crier_timed(
        &[
            "--to",
            &to,
            "--status",
            "failure",
            "--on",
            "changes",
            "--timeout",
            "1",
        ],
        &pairs(&env),
        Duration::from_secs(20),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(hook.requests().len(), 1);
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(run.stderr.contains("did not answer"), "{}", run.stderr);
}

#[test]
fn a_push_lists_its_commits_with_a_compare_link() {
    let api = api(jobs(vec![]), earlier(&[]), vec![]);
    let commits: Vec<Value> = (0..8)
        .map(|i| {
            json!({"id": format!("{i:040}"), "message": format!("Change {i}\n\nBody"),
                        "author": {"name": "Ada", "email": "ada@example.com", "username": "ada"},
                        "url": format!("https://github.com/acme/widgets/commit/{i:040}")})
        })
        .collect();
    let mut event: Value = serde_json::from_str(&push_event("Change 7")).unwrap();
    event["commits"] = json!(commits);
    event["compare"] = json!("https://github.com/acme/widgets/compare/aaa...bbb");
    let hook = Server::always(Answer::body(200, "ok"));
    let dir = TempDir::new();
    let mut env = github_env(&dir, "push", &event.to_string());
    env.push(("INPUT_STATUS".into(), "success".into()));
    let _ = api;
    let to = format!("slack+{}", hook.url("/services/T0/B0/X"));
    let run = crier(&["--to", &to], &pairs(&env));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = text(&hook.requests()[0].json());
    assert!(
        all.contains("Change 0") && all.contains("Change 4") && !all.contains("Change 5 "),
        "{all}"
    );
    assert!(
        all.contains("and 3 more") && all.contains("compare/aaa...bbb"),
        "{all}"
    );
}

#[test]
fn gitlab_pipelines_and_jobs_tell_the_same() {
    let project = "/api/v4/projects/42";
    let job = |id: u64, name: &str, status: &str| {
        json!({"id": id, "name": name, "stage": "test", "status": status, "duration": 61.4,
               "web_url": format!("https://gitlab.example.com/acme/widgets/-/jobs/{id}"),
               "started_at": "2026-12-01T09:00:00.000Z", "finished_at": "2026-12-01T09:01:01.400Z"})
    };
    let pipeline = |id: u64, iid: u64, status: &str| {
        json!({"id": id, "iid": iid, "project_id": 42, "sha": format!("{id:040}"), "ref": "main", "status": status,
               "source": "push", "web_url": format!("https://gitlab.example.com/acme/widgets/-/pipelines/{id}")})
    };
    let routes = vec![
        (
            format!("{project}/pipelines/1000/jobs"),
            Answer::body(
                200,
                &json!([
                    job(1, "build", "success"),
                    job(2, "test", "failed"),
                    job(3, "notify", "running")
                ])
                .to_string(),
            ),
        ),
        (
            format!("{project}/pipelines?ref=main"),
            Answer::body(
                200,
                &json!([
                    pipeline(1000, 10, "running"),
                    pipeline(999, 9, "canceled"),
                    pipeline(998, 8, "failed"),
                    pipeline(997, 7, "failed")
                ])
                .to_string(),
            ),
        ),
    ];
    let api = Server::routed(routes, Answer::status(404));
    let env = [
        ("GITLAB_CI", "true"),
        ("CI_API_V4_URL", &*api.url("/api/v4")),
        ("CI_PROJECT_ID", "42"),
        ("CI_PROJECT_PATH", "acme/widgets"),
        ("CI_PROJECT_URL", "https://gitlab.example.com/acme/widgets"),
        ("CI_PIPELINE_ID", "1000"),
        ("CI_PIPELINE_IID", "10"),
        ("CI_JOB_ID", "3"),
        ("CI_COMMIT_REF_NAME", "main"),
        ("CI_COMMIT_BRANCH", "main"),
        ("CI_COMMIT_SHA", "1111111111111111111111111111111111111111"),
        ("CRIER_GITLAB_TOKEN", "glpat-Tok3nNeverShown"),
        ("CRIER_STATUS", "pipeline"),
    ];
    let run = crier(&["--print-context"], &env);
    let ctx: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{}", run.stderr));
    assert_eq!(ctx["status"], "failure");
    assert_eq!(ctx["change"], "still_failing");
    assert_eq!(ctx["streak"], 3);
    assert_eq!(ctx["previous"]["number"], "8");
    assert_eq!(ctx["failed_jobs"][0]["name"], "test");
    assert_eq!(
        ctx["jobs"].as_array().unwrap().len(),
        2,
        "the running job, crier's own, is left out"
    );
    assert!(api
        .requests()
        .iter()
        .all(|r| r.header("private-token") == Some("glpat-Tok3nNeverShown")));
    assert!(!run.all_output().contains("glpat-Tok3nNeverShown"));
}

#[test]
fn status_run_without_a_lookup_is_unknown_and_says_why() {
    let run = crier(
        &[
            "--print-payload",
            "--to",
            "https://hooks.slack.com/services/T/B/X",
            "--status",
            "run",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("the run's status is not known"),
        "{}",
        run.stderr
    );
    let _ = TOKEN;
}

#[test]
fn mention_author_mentions_whoever_the_run_is_about_on_each_service() {
    let slack = Server::always(Answer::body(200, "ok"));
    let discord = Server::always(Answer::body(200, r#"{"id":"1"}"#));
    let dir = TempDir::new();
    let routes = dir.write(
        "routes.yml",
        &format!(
            "defaults:\n  mention: author\nroutes:\n  - to: [\"slack+{}\", \"discord+{}\"]\npeople:\n  ada:\n    slack: \"<@U0ADA>\"\n    discord: \"<@4242>\"\n",
            slack.url("/services/T/B/X"),
            discord.url("/api/webhooks/1/t")
        ),
    );
    let mut env = github_env(&dir, "push", &push_event("Add sprockets"));
    env.push(("CRIER_CONFIG".into(), routes.clone()));
    env.push(("INPUT_STATUS".into(), "failure".into()));
    let run = crier(&[], &pairs(&env));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        slack.requests()[0].body.contains("<@U0ADA>"),
        "{}",
        slack.requests()[0].body
    );
    let body = discord.requests()[0].json();
    assert_eq!(body["content"], "<@4242>");
    assert_eq!(body["allowed_mentions"]["users"], json!(["4242"]));
    // Someone without an entry is named, not mentioned.
    let mut grace: Value = serde_json::from_str(&push_event("Add sprockets")).unwrap();
    grace["head_commit"]["author"] =
        json!({"name": "Grace Hopper", "email": "grace@example.com", "username": "grace"});
    let mut env = github_env(&dir, "push", &grace.to_string());
    env.push(("CRIER_CONFIG".into(), routes));
    env.push(("INPUT_STATUS".into(), "failure".into()));
    let run = crier(&[], &pairs(&env));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        slack.requests()[1].body.contains("Grace Hopper"),
        "{}",
        slack.requests()[1].body
    );
    assert!(!slack.requests()[1].body.contains("<@"));
}

/// Writes the stand-in's bodies where `validate/api.mjs` checks them against GitHub's own
/// OpenAPI description (`@octokit/openapi`): every field named must be one it defines.
#[test]
fn the_stand_in_bodies_are_recorded_for_the_schema_check() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-fixtures");
    std::fs::create_dir_all(&dir).unwrap();
    let body = |answer: Answer| match answer {
        Answer::Reply { body, .. } => serde_json::from_str::<Value>(&body).unwrap(),
        _ => unreachable!(),
    };
    let fixtures = [
        ("run", this_run(2)),
        (
            "jobs",
            body(jobs(vec![
                job(1, "build", Some("success"), None),
                job(2, "test", Some("failure"), Some("Run tests")),
                job(3, "notify", None, None),
            ])),
        ),
        (
            "workflow-runs",
            body(earlier(&["success", "failure", "cancelled"])),
        ),
    ];
    for (name, value) in fixtures {
        std::fs::write(dir.join(format!("{name}.json")), value.to_string()).unwrap();
    }
}

#[test]
fn irc_and_pushover_name_the_failed_jobs_too() {
    let api = api(
        jobs(vec![job(
            2,
            "test (macos)",
            Some("failure"),
            Some("Run tests"),
        )]),
        earlier(&["success"]),
        vec![],
    );
    let dir = TempDir::new();
    let env = env(&dir, &api, &[("INPUT_STATUS", "run")]);
    let run = crier(
        &[
            "--print-payload",
            "--to",
            "irc://crier@irc.example.com/builds",
            "--to",
            "pushover://uUser1234@aTok5678",
        ],
        &pairs(&env),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("PRIVMSG #builds :Failed: test (macos) (Run tests)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("message=Failed%3A+test+%28macos%29+%28Run+tests%29"),
        "{}",
        run.stdout
    );
}
