//! Azure Pipelines (`TF_BUILD=True`). `AGENT_JOBSTATUS` is Succeeded, SucceededWithIssues,
//! Failed, Canceled or Skipped. `BUILD_SOURCEBRANCHNAME` is only the last path segment, so
//! the branch comes from `BUILD_SOURCEBRANCH`.

use super::{owned, ref_of, Context, Detected, Environment, PullRequest};
use crate::env::Env;
use crate::status::Status;

pub fn read(env: &Env, ctx: &mut Context) -> Detected {
    let collection = env
        .get("SYSTEM_COLLECTIONURI")
        .map(|u| u.trim_end_matches('/').to_owned());
    ctx.ci.server_url = collection.clone();
    ctx.repository.full_name = owned(env.get("BUILD_REPOSITORY_NAME"));
    ctx.repository.url = owned(env.get("BUILD_REPOSITORY_URI"));
    ctx.commit.sha = owned(env.get("BUILD_SOURCEVERSION"));
    ctx.commit.message = owned(env.get("BUILD_SOURCEVERSIONMESSAGE"));
    ctx.commit.author.name = owned(env.get("BUILD_SOURCEVERSIONAUTHOR"));
    let full_ref = env.get("BUILD_SOURCEBRANCH").unwrap_or_default();
    let pr_source = env
        .get("SYSTEM_PULLREQUEST_SOURCEBRANCH")
        .map(|b| b.trim_start_matches("refs/heads/").to_owned());
    ctx.git_ref = ref_of(
        full_ref.strip_prefix("refs/tags/"),
        pr_source
            .as_deref()
            .or(full_ref.strip_prefix("refs/heads/")),
        None,
    );
    ctx.actor = owned(env.get("BUILD_REQUESTEDFOR"));
    ctx.run.id = owned(env.get("BUILD_BUILDID"));
    ctx.run.number = owned(env.get("BUILD_BUILDNUMBER"));
    if let (Some(base), Some(project), Some(id)) =
        (collection, env.get("SYSTEM_TEAMPROJECT"), &ctx.run.id)
    {
        ctx.run.url = Some(format!("{base}/{project}/_build/results?buildId={id}"));
    }
    ctx.workflow = owned(env.get("BUILD_DEFINITIONNAME"));
    ctx.job = owned(env.first(&["SYSTEM_JOBDISPLAYNAME", "AGENT_JOBNAME"]));
    ctx.environment = Environment {
        name: owned(env.get("ENVIRONMENT_NAME")),
        url: None,
    };
    if let Some(id) = env.first(&[
        "SYSTEM_PULLREQUEST_PULLREQUESTNUMBER",
        "SYSTEM_PULLREQUEST_PULLREQUESTID",
    ]) {
        ctx.pull_request = Some(PullRequest {
            number: Some(id.to_owned()),
            title: None,
            url: None,
            source_branch: pr_source,
            target_branch: env
                .get("SYSTEM_PULLREQUEST_TARGETBRANCH")
                .map(|b| b.trim_start_matches("refs/heads/").to_owned()),
        });
    }
    let mut detected = Detected::default();
    if let Some(status) = env.get("AGENT_JOBSTATUS") {
        detected.status = Some(Status::detect(status));
        detected.status_source = Some("AGENT_JOBSTATUS");
    }
    if ctx.environment.name.is_some() {
        detected.event = Some("deploy".into());
    }
    detected
}
