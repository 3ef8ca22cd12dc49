//! GitHub Actions (and Gitea / Forgejo Actions, which speak the same dialect): the `GITHUB_*`
//! variables plus the event payload. The payload wins where the variables mislead: on a pull
//! request `GITHUB_SHA` is a merge commit and `GITHUB_REF_NAME` is `N/merge`.

use serde_json::Value;

use super::{owned, text_at, Context, Detected, Environment, PullRequest, RefType, Release};
use crate::env::Env;
use crate::status::Status;

pub fn provider(env: &Env) -> &'static str {
    if env.is_true("GITEA_ACTIONS") {
        "gitea"
    } else if env.is_true("FORGEJO_ACTIONS") {
        "forgejo"
    } else {
        "github"
    }
}

/// The event's name, from `GITHUB_EVENT_NAME`, else guessed from the payload's shape (a local
/// run given an event file).
fn event_name(env: &Env, ev: &Value) -> String {
    if let Some(name) = env.get("GITHUB_EVENT_NAME") {
        return name.to_owned();
    }
    let has = |key: &str| ev.get(key).is_some_and(|v| !v.is_null());
    let name = if has("deployment_status") {
        "deployment_status"
    } else if has("deployment") {
        "deployment"
    } else if has("release") {
        "release"
    } else if has("workflow_run") {
        "workflow_run"
    } else if has("pull_request") && has("review") {
        "pull_request_review"
    } else if has("pull_request") && has("comment") {
        "pull_request_review_comment"
    } else if has("pull_request") {
        "pull_request"
    } else if has("inputs") && has("workflow") {
        "workflow_dispatch"
    } else if has("ref") && has("before") {
        "push"
    } else {
        ""
    };
    name.to_owned()
}

pub fn read(env: &Env, payload: Option<&Value>, ctx: &mut Context) -> Detected {
    let null = Value::Null;
    let ev = payload.unwrap_or(&null);
    let name = event_name(env, ev);
    let server = env
        .get("GITHUB_SERVER_URL")
        .unwrap_or("https://github.com")
        .trim_end_matches('/')
        .to_owned();
    ctx.ci.server_url = Some(server.clone());

    let full_name =
        owned(env.get("GITHUB_REPOSITORY")).or_else(|| text_at(ev, "/repository/full_name"));
    let repo_url = text_at(ev, "/repository/html_url")
        .or_else(|| full_name.as_ref().map(|f| format!("{server}/{f}")));
    ctx.repository.full_name = full_name.clone();
    ctx.repository.name = text_at(ev, "/repository/name");
    ctx.repository.url = repo_url.clone();

    ctx.actor = owned(env.get("GITHUB_ACTOR")).or_else(|| text_at(ev, "/sender/login"));
    ctx.workflow = owned(env.get("GITHUB_WORKFLOW"));
    ctx.job = owned(env.get("GITHUB_JOB"));
    ctx.run.id = owned(env.get("GITHUB_RUN_ID"));
    ctx.run.number = owned(env.get("GITHUB_RUN_NUMBER"));
    ctx.run.attempt = owned(env.get("GITHUB_RUN_ATTEMPT"));

    // The ref, from the variables; events below correct it.
    let mut ref_full = owned(env.get("GITHUB_REF")).or_else(|| text_at(ev, "/ref"));
    let mut sha = owned(env.get("GITHUB_SHA"));
    let mut detected = Detected::default();

    match name.as_str() {
        "push" => {
            // On a branch or tag deletion head_commit is null and `after` is all zeros.
            if let Some(after) = text_at(ev, "/after").filter(|a| a.bytes().any(|b| b != b'0')) {
                sha = Some(after);
            }
            read_commit(ev, "/head_commit", ctx);
            ref_full = text_at(ev, "/ref").or(ref_full);
            ctx.commits = ev["commits"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(commit_summary)
                .collect();
            ctx.compare_url = text_at(ev, "/compare");
        }
        // Every event that runs on a pull request's merge ref (and pull_request_target, on
        // its base) tells of the pull request's head: GITHUB_SHA is a merge commit there and
        // GITHUB_REF_NAME is `N/merge`, a branch that does not exist.
        "pull_request"
        | "pull_request_target"
        | "pull_request_review"
        | "pull_request_review_comment" => {
            sha = text_at(ev, "/pull_request/head/sha").or(sha);
            let pr = PullRequest {
                number: text_at(ev, "/pull_request/number").or_else(|| text_at(ev, "/number")),
                title: text_at(ev, "/pull_request/title"),
                url: text_at(ev, "/pull_request/html_url"),
                source_branch: owned(env.get("GITHUB_HEAD_REF"))
                    .or_else(|| text_at(ev, "/pull_request/head/ref")),
                target_branch: owned(env.get("GITHUB_BASE_REF"))
                    .or_else(|| text_at(ev, "/pull_request/base/ref")),
            };
            ref_full = pr.source_branch.as_ref().map(|b| format!("refs/heads/{b}"));
            if ctx.commit.author.username.is_none() {
                ctx.commit.author.username = text_at(ev, "/pull_request/user/login");
            }
            ctx.pull_request = Some(pr);
        }
        "release" => {
            let tag = text_at(ev, "/release/tag_name");
            ctx.release = Some(Release {
                name: text_at(ev, "/release/name").or_else(|| tag.clone()),
                url: text_at(ev, "/release/html_url"),
                tag: tag.clone(),
            });
            if let Some(tag) = tag {
                ref_full = Some(format!("refs/tags/{tag}"));
            }
            detected.event = Some("release".into());
        }
        "deployment" | "deployment_status" => {
            sha = text_at(ev, "/deployment/sha").or(sha);
            if let Some(r) = text_at(ev, "/deployment/ref") {
                // deployment.ref is a branch or tag name, or a SHA.
                if Some(&r) != sha.as_ref() {
                    ref_full = Some(match ref_full.as_deref() {
                        Some(full) if full.starts_with("refs/tags/") => format!("refs/tags/{r}"),
                        _ => format!("refs/heads/{r}"),
                    });
                }
            }
            ctx.environment = Environment {
                name: text_at(ev, "/deployment_status/environment")
                    .or_else(|| text_at(ev, "/deployment/environment")),
                url: text_at(ev, "/deployment_status/environment_url")
                    .or_else(|| text_at(ev, "/deployment_status/target_url")),
            };
            if let Some(state) = text_at(ev, "/deployment_status/state") {
                detected.status = Some(Status::detect(&state));
                detected.status_source = Some("deployment_status.state");
            }
            detected.event = Some("deploy".into());
        }
        "workflow_run" => {
            // Tell of the run that finished, not of this one (which runs on the default branch).
            sha = text_at(ev, "/workflow_run/head_sha").or(sha);
            read_commit(ev, "/workflow_run/head_commit", ctx);
            if let Some(branch) = text_at(ev, "/workflow_run/head_branch") {
                ref_full = Some(format!("refs/heads/{branch}"));
            }
            ctx.run.id = text_at(ev, "/workflow_run/id").or(ctx.run.id.take());
            ctx.run.number = text_at(ev, "/workflow_run/run_number").or(ctx.run.number.take());
            ctx.run.attempt = text_at(ev, "/workflow_run/run_attempt").or(ctx.run.attempt.take());
            ctx.run.url = text_at(ev, "/workflow_run/html_url");
            ctx.workflow = text_at(ev, "/workflow_run/name").or(ctx.workflow.take());
            if let Some(conclusion) = text_at(ev, "/workflow_run/conclusion") {
                detected.status = Some(Status::detect(&conclusion));
                detected.status_source = Some("workflow_run.conclusion");
            }
            if let Some(number) = text_at(ev, "/workflow_run/pull_requests/0/number") {
                ctx.pull_request = Some(PullRequest {
                    number: Some(number),
                    source_branch: text_at(ev, "/workflow_run/pull_requests/0/head/ref"),
                    target_branch: text_at(ev, "/workflow_run/pull_requests/0/base/ref"),
                    ..PullRequest::default()
                });
            }
        }
        _ => {}
    }

    ctx.commit.sha = sha;
    if let (Some(url), Some(sha)) = (&repo_url, &ctx.commit.sha) {
        ctx.commit.url = Some(format!("{url}/commit/{sha}"));
    }
    if let Some(full) = ref_full {
        let (kind, short) = if let Some(tag) = full.strip_prefix("refs/tags/") {
            (Some(RefType::Tag), tag.to_owned())
        } else if let Some(branch) = full.strip_prefix("refs/heads/") {
            (Some(RefType::Branch), branch.to_owned())
        } else {
            (None, env.get("GITHUB_REF_NAME").unwrap_or(&full).to_owned())
        };
        ctx.git_ref.url = repo_url.as_ref().map(|u| match kind {
            Some(RefType::Tag) => format!("{u}/releases/tag/{short}"),
            _ => format!("{u}/tree/{short}"),
        });
        ctx.git_ref.kind = kind;
        ctx.git_ref.name = Some(short);
    }
    if ctx.run.url.is_none() {
        if let (Some(full), Some(id)) = (&full_name, &ctx.run.id) {
            ctx.run.url = Some(format!("{server}/{full}/actions/runs/{id}"));
        }
    }
    detected
}

/// One commit of a push event's `commits`.
fn commit_summary(c: &Value) -> Option<super::CommitSummary> {
    let sha = c["id"].as_str()?.to_owned();
    Some(super::CommitSummary {
        short_sha: sha.chars().take(7).collect(),
        title: c["message"]
            .as_str()
            .unwrap_or_default()
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
        author: text_at(c, "/author/name").or_else(|| text_at(c, "/author/username")),
        url: text_at(c, "/url"),
        sha,
    })
}

/// A commit object of the payload (`head_commit`, `workflow_run.head_commit`); null on
/// deletions.
fn read_commit(ev: &Value, at: &str, ctx: &mut Context) {
    let field = |f: &str| text_at(ev, &format!("{at}/{f}"));
    ctx.commit.message = field("message");
    ctx.commit.author.name = field("author/name");
    ctx.commit.author.email = field("author/email");
    ctx.commit.author.username = field("author/username");
}
