//! Drone (and Harness CI, which sets the same `DRONE_*` variables). `DRONE_BUILD_STATUS` says
//! `success` until a step has failed, so a notification step that runs `when: status:
//! [success, failure]` reads the build's outcome.

use super::{owned, ref_of, Context, Detected, Environment, PullRequest};
use crate::env::Env;
use crate::status::Status;

pub fn read(env: &Env, ctx: &mut Context) -> Detected {
    ctx.repository.full_name = owned(env.get("DRONE_REPO")).or_else(|| {
        match (env.get("DRONE_REPO_OWNER"), env.get("DRONE_REPO_NAME")) {
            (Some(o), Some(n)) => Some(format!("{o}/{n}")),
            _ => None,
        }
    });
    ctx.repository.name = owned(env.get("DRONE_REPO_NAME"));
    ctx.repository.url = owned(env.get("DRONE_REPO_LINK"));
    ctx.ci.server_url =
        owned(env.get("DRONE_SYSTEM_HOST")).map(|h| match env.get("DRONE_SYSTEM_PROTO") {
            Some(proto) => format!("{proto}://{h}"),
            None => h,
        });
    ctx.commit.sha = owned(env.get("DRONE_COMMIT_SHA"));
    ctx.commit.message = owned(env.get("DRONE_COMMIT_MESSAGE"));
    ctx.commit.url = owned(env.get("DRONE_COMMIT_LINK"));
    ctx.commit.author.username = owned(env.get("DRONE_COMMIT_AUTHOR"));
    ctx.commit.author.name = owned(env.get("DRONE_COMMIT_AUTHOR_NAME"));
    ctx.commit.author.email = owned(env.get("DRONE_COMMIT_AUTHOR_EMAIL"));
    ctx.git_ref = ref_of(
        env.get("DRONE_TAG"),
        env.first(&["DRONE_SOURCE_BRANCH", "DRONE_BRANCH", "DRONE_COMMIT_BRANCH"]),
        ctx.repository.url.as_deref(),
    );
    ctx.actor = owned(env.get("DRONE_BUILD_TRIGGER"));
    ctx.run.number = owned(env.get("DRONE_BUILD_NUMBER"));
    ctx.run.id = ctx.run.number.clone();
    ctx.run.url = owned(env.get("DRONE_BUILD_LINK"));
    ctx.job = owned(env.first(&["DRONE_STEP_NAME", "DRONE_STAGE_NAME"]));
    ctx.environment = Environment {
        name: owned(env.get("DRONE_DEPLOY_TO")),
        url: None,
    };
    if let Some(number) = env.get("DRONE_PULL_REQUEST") {
        ctx.pull_request = Some(PullRequest {
            number: Some(number.to_owned()),
            title: owned(env.get("DRONE_PULL_REQUEST_TITLE")),
            url: None,
            source_branch: owned(env.get("DRONE_SOURCE_BRANCH")),
            target_branch: owned(env.get("DRONE_TARGET_BRANCH")),
        });
    }
    let mut detected = Detected::default();
    if let Some(status) = env.get("DRONE_BUILD_STATUS") {
        detected.status = Some(Status::detect(status));
        detected.status_source = Some("DRONE_BUILD_STATUS");
    }
    detected.event = match env.get("DRONE_BUILD_EVENT") {
        Some("promote" | "rollback") => Some("deploy".into()),
        _ if ctx.environment.name.is_some() => Some("deploy".into()),
        _ => None,
    };
    detected
}
