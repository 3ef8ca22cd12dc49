//! The template context of SPEC §4, as types: what every template sees.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::status::{Change, Status};

/// The template context of SPEC §4. Absent values are left out of the JSON, so a template
/// sees them as empty.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Context {
    pub status: Option<Status>,
    pub event: String,
    pub title: String,
    pub message: String,
    pub mention: String,
    /// The sender's display name and icon, from the settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    pub ci: Ci,
    pub repository: Repository,
    pub commit: Commit,
    #[serde(rename = "ref")]
    pub git_ref: GitRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    pub run: Run,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    pub environment: Environment,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<PullRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<Release>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    pub vars: BTreeMap<String, String>,
    /// What the run means next to the previous one; null when it could not be found out.
    pub change: Option<Change>,
    pub previous: Option<Previous>,
    /// Runs in a row, this one included, with this status.
    pub streak: Option<u32>,
    /// The run's other jobs that have finished, and those of them that failed.
    pub jobs: Vec<Job>,
    pub failed_jobs: Vec<Job>,
    /// Seconds from the run's start until now.
    pub duration_s: Option<u64>,
    /// The commits of a push.
    pub commits: Vec<CommitSummary>,
    pub compare_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_payload: Option<Value>,
    /// Devtron's webhook variable names, so Devtron payload templates work unchanged.
    #[serde(flatten)]
    pub devtron: Devtron,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Ci {
    pub provider: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Repository {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Commit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_sha: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub author: Author,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Author {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RefType {
    Branch,
    Tag,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<RefType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Run {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Environment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PullRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_branch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_branch: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Release {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Image {
    pub repo: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// The run compared with.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Previous {
    pub status: Option<Status>,
    pub number: Option<String>,
    pub url: Option<String>,
    pub sha: Option<String>,
}

/// One job of the run.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub name: String,
    pub status: Status,
    pub url: Option<String>,
    pub duration_s: Option<u64>,
    pub failed_steps: Vec<String>,
}

/// One commit of a push.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CommitSummary {
    pub sha: String,
    pub short_sha: String,
    pub title: String,
    pub author: Option<String>,
    pub url: Option<String>,
}

/// The names [`Devtron`] puts at the top level of the context.
pub const DEVTRON_KEYS: &[&str] = &[
    "eventType",
    "devtronAppName",
    "devtronEnvName",
    "devtronPipelineType",
    "devtronCiPipelineId",
    "devtronCdPipelineId",
    "devtronBuildGitCommitHash",
    "devtronTriggeredByEmail",
    "devtronContainerImageRepo",
    "devtronContainerImageTag",
    "buildHistoryLink",
    "appDetailsLink",
];

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Devtron {
    pub event_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devtron_app_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devtron_env_name: Option<String>,
    pub devtron_pipeline_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devtron_ci_pipeline_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devtron_cd_pipeline_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devtron_build_git_commit_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devtron_triggered_by_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devtron_container_image_repo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devtron_container_image_tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_history_link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_details_link: Option<String>,
}

/// Every path a template can name, as a JSON value whose leaves are placeholders: the context
/// with every field filled. `vars` and `event_payload` hold anything (`null` here). Written
/// out field by field, so a field added to the context cannot be missing from its shape.
pub fn shape() -> Value {
    let s = || Some(String::new());
    let job = || Job {
        name: String::new(),
        status: Status::Unknown,
        url: s(),
        duration_s: Some(0),
        failed_steps: vec![String::new()],
    };
    let context = Context {
        status: Some(Status::Unknown),
        event: String::new(),
        title: String::new(),
        message: String::new(),
        mention: String::new(),
        username: s(),
        icon_url: s(),
        ci: Ci {
            provider: String::new(),
            server_url: s(),
        },
        repository: Repository {
            name: s(),
            full_name: s(),
            url: s(),
        },
        commit: Commit {
            sha: s(),
            short_sha: s(),
            title: s(),
            message: s(),
            url: s(),
            author: Author {
                name: s(),
                email: s(),
                username: s(),
            },
        },
        git_ref: GitRef {
            name: s(),
            kind: Some(RefType::Branch),
            url: s(),
        },
        actor: s(),
        run: Run {
            id: s(),
            number: s(),
            attempt: s(),
            url: s(),
        },
        workflow: s(),
        job: s(),
        environment: Environment {
            name: s(),
            url: s(),
        },
        pull_request: Some(PullRequest {
            number: s(),
            title: s(),
            url: s(),
            source_branch: s(),
            target_branch: s(),
        }),
        release: Some(Release {
            tag: s(),
            name: s(),
            url: s(),
        }),
        image: Some(Image {
            repo: String::new(),
            tag: s(),
        }),
        vars: BTreeMap::new(),
        change: Some(Change::First),
        previous: Some(Previous {
            status: Some(Status::Unknown),
            number: s(),
            url: s(),
            sha: s(),
        }),
        streak: Some(1),
        jobs: vec![job()],
        failed_jobs: vec![job()],
        duration_s: Some(0),
        commits: vec![CommitSummary {
            sha: String::new(),
            short_sha: String::new(),
            title: String::new(),
            author: s(),
            url: s(),
        }],
        compare_url: s(),
        event_payload: None,
        devtron: Devtron {
            event_type: String::new(),
            devtron_app_name: s(),
            devtron_env_name: s(),
            devtron_pipeline_type: String::new(),
            devtron_ci_pipeline_id: s(),
            devtron_cd_pipeline_id: s(),
            devtron_build_git_commit_hash: s(),
            devtron_triggered_by_email: s(),
            devtron_container_image_repo: s(),
            devtron_container_image_tag: s(),
            build_history_link: s(),
            app_details_link: s(),
        },
    };
    let mut shape = serde_json::to_value(context).expect("the context serialises");
    shape["vars"] = Value::Null;
    shape["event_payload"] = Value::Null;
    shape
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devtron_keys_are_those_devtron_serialises() {
        let full = Devtron {
            devtron_app_name: Some("a".into()),
            devtron_env_name: Some("a".into()),
            devtron_ci_pipeline_id: Some("a".into()),
            devtron_cd_pipeline_id: Some("a".into()),
            devtron_build_git_commit_hash: Some("a".into()),
            devtron_triggered_by_email: Some("a".into()),
            devtron_container_image_repo: Some("a".into()),
            devtron_container_image_tag: Some("a".into()),
            build_history_link: Some("a".into()),
            app_details_link: Some("a".into()),
            ..Devtron::default()
        };
        let value = serde_json::to_value(full).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, DEVTRON_KEYS);
    }
}
