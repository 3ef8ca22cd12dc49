//! Jenkins (`JENKINS_URL`). The build result lives in Groovy (`currentBuild.currentResult`),
//! not in the environment: pass it as `status` from a `post` block. `GIT_BRANCH` carries the
//! remote's name (`origin/main`), which is dropped.

use super::{owned, ref_of, Context, Detected, PullRequest};
use crate::env::Env;

pub fn read(env: &Env, ctx: &mut Context) -> Detected {
    ctx.ci.server_url = owned(env.get("JENKINS_URL")).map(|u| u.trim_end_matches('/').to_owned());
    ctx.repository.url = owned(env.get("GIT_URL"))
        .map(|u| u.trim_end_matches(".git").to_owned())
        .filter(|u| u.starts_with("http"));
    ctx.repository.full_name = ctx
        .repository
        .url
        .as_ref()
        .and_then(|u| u.split_once("://"))
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(_, path)| path.to_owned());
    ctx.commit.sha = owned(env.get("GIT_COMMIT"));
    let branch = env
        .first(&["CHANGE_BRANCH", "BRANCH_NAME"])
        .map(str::to_owned)
        .or_else(|| {
            env.get("GIT_BRANCH")
                .map(|b| b.split_once('/').map_or(b, |(_, rest)| rest).to_owned())
        });
    ctx.git_ref = ref_of(env.get("TAG_NAME"), branch.as_deref(), None);
    ctx.commit.author.name = owned(env.get("CHANGE_AUTHOR_DISPLAY_NAME"));
    ctx.commit.author.username = owned(env.get("CHANGE_AUTHOR"));
    ctx.commit.author.email = owned(env.get("CHANGE_AUTHOR_EMAIL"));
    ctx.run.id = owned(env.get("BUILD_ID"));
    ctx.run.number = owned(env.get("BUILD_NUMBER"));
    ctx.run.url = owned(env.get("BUILD_URL"));
    ctx.workflow = owned(env.get("JOB_NAME"));
    ctx.job = owned(env.get("STAGE_NAME"));
    if let Some(id) = env.get("CHANGE_ID") {
        ctx.pull_request = Some(PullRequest {
            number: Some(id.to_owned()),
            title: owned(env.get("CHANGE_TITLE")),
            url: owned(env.get("CHANGE_URL")),
            source_branch: owned(env.get("CHANGE_BRANCH")),
            target_branch: owned(env.get("CHANGE_TARGET")),
        });
    }
    Detected::default()
}
