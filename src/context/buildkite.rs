//! Buildkite (`BUILDKITE=true`). No build status in the environment: pass `status`.
//! `BUILDKITE_PULL_REQUEST` is the string `false` on builds that are not pull requests.

use super::{owned, ref_of, Context, Detected, PullRequest};
use crate::env::Env;

pub fn read(env: &Env, ctx: &mut Context) -> Detected {
    ctx.repository.name = owned(env.get("BUILDKITE_PIPELINE_SLUG"));
    ctx.repository.full_name = match (
        env.get("BUILDKITE_ORGANIZATION_SLUG"),
        env.get("BUILDKITE_PIPELINE_SLUG"),
    ) {
        (Some(org), Some(pipeline)) => Some(format!("{org}/{pipeline}")),
        _ => None,
    };
    ctx.repository.url = owned(env.get("BUILDKITE_REPO"))
        .map(|u| u.trim_end_matches(".git").to_owned())
        .filter(|u| u.starts_with("http"));
    ctx.commit.sha = owned(env.get("BUILDKITE_COMMIT")).filter(|c| c != "HEAD");
    ctx.commit.message = owned(env.get("BUILDKITE_MESSAGE"));
    ctx.commit.author.name = owned(env.get("BUILDKITE_BUILD_AUTHOR"));
    ctx.commit.author.email = owned(env.get("BUILDKITE_BUILD_AUTHOR_EMAIL"));
    ctx.git_ref = ref_of(env.get("BUILDKITE_TAG"), env.get("BUILDKITE_BRANCH"), None);
    ctx.actor = owned(env.get("BUILDKITE_BUILD_CREATOR"));
    ctx.run.id = owned(env.get("BUILDKITE_BUILD_ID"));
    ctx.run.number = owned(env.get("BUILDKITE_BUILD_NUMBER"));
    ctx.run.url = owned(env.get("BUILDKITE_BUILD_URL"));
    ctx.workflow = owned(env.get("BUILDKITE_PIPELINE_SLUG"));
    ctx.job = owned(env.get("BUILDKITE_LABEL"));
    if let Some(number) = env.get("BUILDKITE_PULL_REQUEST").filter(|n| *n != "false") {
        ctx.pull_request = Some(PullRequest {
            number: Some(number.to_owned()),
            title: None,
            url: None,
            source_branch: owned(env.get("BUILDKITE_BRANCH")),
            target_branch: owned(env.get("BUILDKITE_PULL_REQUEST_BASE_BRANCH")),
        });
    }
    Detected::default()
}
