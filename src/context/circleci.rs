//! CircleCI (`CIRCLECI=true`). It exposes no status and no commit message: pass `status` from
//! steps with `when: on_fail` / `when: on_success`.

use super::{owned, ref_of, Context, Detected, PullRequest};
use crate::env::Env;

pub fn read(env: &Env, ctx: &mut Context) -> Detected {
    let (owner, name) = (
        env.get("CIRCLE_PROJECT_USERNAME"),
        env.get("CIRCLE_PROJECT_REPONAME"),
    );
    if let (Some(owner), Some(name)) = (owner, name) {
        ctx.repository.full_name = Some(format!("{owner}/{name}"));
    }
    ctx.repository.name = owned(name);
    ctx.repository.url = owned(env.get("CIRCLE_REPOSITORY_URL")).filter(|u| u.starts_with("http"));
    ctx.commit.sha = owned(env.get("CIRCLE_SHA1"));
    ctx.commit.author.username = owned(env.get("CIRCLE_USERNAME"));
    ctx.git_ref = ref_of(env.get("CIRCLE_TAG"), env.get("CIRCLE_BRANCH"), None);
    ctx.actor = owned(env.get("CIRCLE_USERNAME"));
    ctx.run.id = owned(env.get("CIRCLE_WORKFLOW_ID"));
    ctx.run.number = owned(env.get("CIRCLE_BUILD_NUM"));
    ctx.run.url = owned(env.get("CIRCLE_BUILD_URL"));
    ctx.job = owned(env.get("CIRCLE_JOB"));
    if let Some(url) = env.get("CIRCLE_PULL_REQUEST") {
        ctx.pull_request = Some(PullRequest {
            number: owned(env.get("CIRCLE_PR_NUMBER"))
                .or_else(|| url.rsplit('/').next().map(str::to_owned)),
            title: None,
            url: Some(url.to_owned()),
            source_branch: owned(env.get("CIRCLE_BRANCH")),
            target_branch: None,
        });
    }
    Detected::default()
}
