//! GitLab CI: the `CI_*` and `GITLAB_*` variables. `CI_COMMIT_BRANCH` is absent in merge
//! request and tag pipelines, and `CI_COMMIT_AUTHOR` is `Name <email>` in one string.

use super::{owned, Context, Detected, Environment, PullRequest, RefType};
use crate::env::Env;
use crate::status::Status;

pub fn read(env: &Env, ctx: &mut Context) -> Detected {
    ctx.ci.server_url = owned(env.get("CI_SERVER_URL"));
    let project_url = owned(env.get("CI_PROJECT_URL"));
    ctx.repository.full_name = owned(env.get("CI_PROJECT_PATH"));
    ctx.repository.name = owned(env.get("CI_PROJECT_NAME"));
    ctx.repository.url = project_url.clone();

    let commit = &mut ctx.commit;
    commit.sha = owned(env.get("CI_COMMIT_SHA"));
    commit.short_sha = owned(env.get("CI_COMMIT_SHORT_SHA"));
    commit.message = owned(env.get("CI_COMMIT_MESSAGE"));
    commit.title = owned(env.get("CI_COMMIT_TITLE"));
    if let Some(author) = env.get("CI_COMMIT_AUTHOR") {
        let (name, email) = split_author(author);
        commit.author.name = Some(name);
        commit.author.email = email;
    }
    if let (Some(url), Some(sha)) = (&project_url, &commit.sha) {
        commit.url = Some(format!("{url}/-/commit/{sha}"));
        // A push's range; all zeros for a new branch or a merge request pipeline.
        if let Some(before) = env
            .get("CI_COMMIT_BEFORE_SHA")
            .filter(|b| b.bytes().any(|c| c != b'0'))
        {
            ctx.compare_url = Some(format!("{url}/-/compare/{before}...{sha}"));
        }
    }

    let mr_source = owned(env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"));
    let (kind, name) = if let Some(tag) = env.get("CI_COMMIT_TAG") {
        (RefType::Tag, Some(tag.to_owned()))
    } else {
        let branch = owned(env.get("CI_COMMIT_BRANCH"))
            .or_else(|| mr_source.clone())
            .or_else(|| owned(env.get("CI_COMMIT_REF_NAME")));
        (RefType::Branch, branch)
    };
    if let Some(name) = name {
        ctx.git_ref.url = project_url.as_ref().map(|u| match kind {
            RefType::Tag => format!("{u}/-/tags/{name}"),
            RefType::Branch => format!("{u}/-/tree/{name}"),
        });
        ctx.git_ref.kind = Some(kind);
        ctx.git_ref.name = Some(name);
    }

    ctx.actor = owned(env.get("GITLAB_USER_LOGIN"));
    ctx.run.id = owned(env.get("CI_PIPELINE_ID"));
    ctx.run.number = owned(env.get("CI_PIPELINE_IID"));
    ctx.run.url = owned(env.get("CI_PIPELINE_URL"));
    ctx.workflow = owned(env.get("CI_PIPELINE_NAME"));
    ctx.job = owned(env.get("CI_JOB_NAME"));
    ctx.environment = Environment {
        name: owned(env.get("CI_ENVIRONMENT_NAME")),
        url: owned(env.get("CI_ENVIRONMENT_URL")),
    };

    if let Some(iid) = env.get("CI_MERGE_REQUEST_IID") {
        let base = env
            .first(&["CI_MERGE_REQUEST_PROJECT_URL", "CI_PROJECT_URL"])
            .map(str::to_owned);
        ctx.pull_request = Some(PullRequest {
            number: Some(iid.to_owned()),
            title: owned(env.get("CI_MERGE_REQUEST_TITLE")),
            url: base.map(|b| format!("{b}/-/merge_requests/{iid}")),
            source_branch: mr_source,
            target_branch: owned(env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")),
        });
    }

    let mut detected = Detected::default();
    if let Some(status) = env.get("CI_JOB_STATUS") {
        detected.status = Some(Status::detect(status));
        detected.status_source = Some("CI_JOB_STATUS");
    }
    // A job that deploys to an environment is a deployment (unless it only stops one).
    let action = env.get("CI_ENVIRONMENT_ACTION").unwrap_or("start");
    if ctx.environment.name.is_some() && matches!(action, "start" | "prepare") {
        detected.event = Some("deploy".into());
    }
    detected
}

/// `Jane Doe <jane@example.com>` → ("Jane Doe", Some("jane@example.com")).
fn split_author(author: &str) -> (String, Option<String>) {
    match author.rsplit_once('<') {
        Some((name, rest)) if rest.ends_with('>') => {
            let email = rest.trim_end_matches('>').trim();
            (
                name.trim().to_owned(),
                (!email.is_empty()).then(|| email.to_owned()),
            )
        }
        _ => (author.trim().to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::split_author;

    #[test]
    fn author_splits_into_name_and_email() {
        assert_eq!(
            split_author("Jane Q. Doe <jane@example.com>"),
            ("Jane Q. Doe".into(), Some("jane@example.com".into()))
        );
        assert_eq!(split_author("bot"), ("bot".into(), None));
        assert_eq!(
            split_author("a <b> <c@d>"),
            ("a <b>".into(), Some("c@d".into()))
        );
    }
}
