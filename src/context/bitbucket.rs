//! Bitbucket Pipelines. `BITBUCKET_EXIT_CODE` exists only in an `after-script`; there it says
//! whether the step's script failed.

use super::{owned, ref_of, Context, Detected, Environment, PullRequest};
use crate::env::Env;
use crate::status::Status;

pub fn read(env: &Env, ctx: &mut Context) -> Detected {
    ctx.ci.server_url = Some("https://bitbucket.org".into());
    ctx.repository.full_name = owned(env.get("BITBUCKET_REPO_FULL_NAME"));
    ctx.repository.name = owned(env.get("BITBUCKET_REPO_SLUG"));
    ctx.repository.url = ctx
        .repository
        .full_name
        .as_ref()
        .map(|f| format!("https://bitbucket.org/{f}"));
    ctx.commit.sha = owned(env.get("BITBUCKET_COMMIT"));
    if let (Some(url), Some(sha)) = (&ctx.repository.url, &ctx.commit.sha) {
        ctx.commit.url = Some(format!("{url}/commits/{sha}"));
    }
    ctx.git_ref = ref_of(env.get("BITBUCKET_TAG"), env.get("BITBUCKET_BRANCH"), None);
    if let (Some(url), Some(name)) = (&ctx.repository.url, &ctx.git_ref.name) {
        ctx.git_ref.url = Some(format!("{url}/src/{name}"));
    }
    ctx.actor = owned(env.get("BITBUCKET_STEP_TRIGGERER_UUID"));
    ctx.run.id = owned(env.get("BITBUCKET_PIPELINE_UUID"));
    ctx.run.number = owned(env.get("BITBUCKET_BUILD_NUMBER"));
    if let (Some(full), Some(n)) = (&ctx.repository.full_name, &ctx.run.number) {
        ctx.run.url = Some(format!(
            "https://bitbucket.org/{full}/addon/pipelines/home#!/results/{n}"
        ));
    }
    ctx.environment = Environment {
        name: owned(env.get("BITBUCKET_DEPLOYMENT_ENVIRONMENT")),
        url: None,
    };
    if let Some(id) = env.get("BITBUCKET_PR_ID") {
        ctx.pull_request = Some(PullRequest {
            number: Some(id.to_owned()),
            title: None,
            url: ctx
                .repository
                .url
                .as_ref()
                .map(|u| format!("{u}/pull-requests/{id}")),
            source_branch: owned(env.get("BITBUCKET_BRANCH")),
            target_branch: owned(env.get("BITBUCKET_PR_DESTINATION_BRANCH")),
        });
    }
    let mut detected = Detected::default();
    if let Some(code) = env.get("BITBUCKET_EXIT_CODE") {
        detected.status = Some(if code.trim() == "0" {
            Status::Success
        } else {
            Status::Failure
        });
        detected.status_source = Some("BITBUCKET_EXIT_CODE");
    }
    if ctx.environment.name.is_some() {
        detected.event = Some("deploy".into());
    }
    detected
}
