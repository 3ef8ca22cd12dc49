//! Woodpecker (`CI=woodpecker`): the `CI_*` variables of 1.0 and later. `CI_PIPELINE_STATUS`
//! is the pipeline's state right before the step started.

use super::{owned, ref_of, Context, Detected, Environment, PullRequest};
use crate::env::Env;
use crate::status::Status;

pub fn read(env: &Env, ctx: &mut Context) -> Detected {
    ctx.ci.server_url = owned(env.get("CI_SYSTEM_URL"));
    ctx.repository.full_name = owned(env.get("CI_REPO"));
    ctx.repository.name = owned(env.get("CI_REPO_NAME"));
    ctx.repository.url = owned(env.get("CI_REPO_URL"));
    ctx.commit.sha = owned(env.get("CI_COMMIT_SHA"));
    ctx.commit.message = owned(env.get("CI_COMMIT_MESSAGE"));
    ctx.commit.url = owned(env.get("CI_PIPELINE_FORGE_URL"));
    ctx.commit.author.username = owned(env.get("CI_COMMIT_AUTHOR"));
    ctx.commit.author.email = owned(env.get("CI_COMMIT_AUTHOR_EMAIL"));
    ctx.git_ref = ref_of(
        env.get("CI_COMMIT_TAG"),
        env.first(&["CI_COMMIT_SOURCE_BRANCH", "CI_COMMIT_BRANCH"]),
        ctx.repository.url.as_deref(),
    );
    ctx.actor = owned(env.get("CI_PIPELINE_AUTHOR"));
    ctx.run.number = owned(env.get("CI_PIPELINE_NUMBER"));
    ctx.run.id = ctx.run.number.clone();
    ctx.run.url = owned(env.get("CI_PIPELINE_URL"));
    ctx.workflow = owned(env.get("CI_WORKFLOW_NAME"));
    ctx.job = owned(env.get("CI_STEP_NAME"));
    ctx.environment = Environment {
        name: owned(env.get("CI_PIPELINE_DEPLOY_TARGET")),
        url: None,
    };
    if let Some(number) = env.get("CI_COMMIT_PULL_REQUEST") {
        ctx.pull_request = Some(PullRequest {
            number: Some(number.to_owned()),
            title: None,
            url: None,
            source_branch: owned(env.get("CI_COMMIT_SOURCE_BRANCH")),
            target_branch: owned(env.get("CI_COMMIT_TARGET_BRANCH")),
        });
    }
    let mut detected = Detected::default();
    if let Some(status) = env.get("CI_PIPELINE_STATUS") {
        detected.status = Some(Status::detect(status));
        detected.status_source = Some("CI_PIPELINE_STATUS");
    }
    detected.event = match env.get("CI_PIPELINE_EVENT") {
        Some("deployment") => Some("deploy".into()),
        Some("release") => Some("release".into()),
        _ => None,
    };
    detected
}
