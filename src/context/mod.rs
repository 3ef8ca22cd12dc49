//! The run's context: what happened, where, to which commit. Each CI system has a file here
//! that fills one [`Context`]; [`detect`] picks the system and finishes the context with the
//! settings (status, event, environment, image, vars) and the defaults derived from the rest.

mod azure;
mod bitbucket;
mod buildkite;
mod circleci;
mod drone;
mod github;
mod gitlab;
mod jenkins;
mod model;
mod woodpecker;

pub use model::*;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::env::Env;
use crate::error::UsageError;
use crate::status::Status;

/// What the settings say about the run; everything else is detected.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub status: Option<Status>,
    pub event: Option<String>,
    pub environment: Option<String>,
    pub image: Option<String>,
    pub mention: Option<String>,
    pub username: Option<String>,
    pub icon_url: Option<String>,
    pub vars: BTreeMap<String, String>,
    pub event_file: Option<std::path::PathBuf>,
}

/// What a CI system's reader found besides the context fields themselves.
#[derive(Debug, Default)]
pub struct Detected {
    pub status: Option<Status>,
    pub event: Option<String>,
    /// Where the status came from, for a note on stderr when the settings give none.
    pub status_source: Option<&'static str>,
}

/// Reads the context of the CI system running us, then applies the settings.
/// `warnings` collects what a user should know but that does not stop the run.
pub fn detect(
    env: &Env,
    settings: &Given,
    warnings: &mut Vec<String>,
) -> Result<Context, UsageError> {
    let payload = read_event_file(env, settings, warnings)?;
    let mut ctx = Context::default();
    let provider = provider(env);
    ctx.ci.provider = provider.into();
    let detected = match provider {
        "github" | "gitea" | "forgejo" => github::read(env, payload.as_ref(), &mut ctx),
        "gitlab" => gitlab::read(env, &mut ctx),
        "woodpecker" => woodpecker::read(env, &mut ctx),
        "drone" => drone::read(env, &mut ctx),
        "bitbucket" => bitbucket::read(env, &mut ctx),
        "circleci" => circleci::read(env, &mut ctx),
        "buildkite" => buildkite::read(env, &mut ctx),
        "azure" => azure::read(env, &mut ctx),
        "jenkins" => jenkins::read(env, &mut ctx),
        // A local dry run with an event file reads it as GitHub would.
        _ => match &payload {
            Some(payload) => github::read(env, Some(payload), &mut ctx),
            None => Detected::default(),
        },
    };
    ctx.event_payload = payload;
    if let (None, Some(status), Some(source)) =
        (settings.status, detected.status, detected.status_source)
    {
        warnings.push(format!("status `{}` read from {source}", status.as_str()));
    }
    finish(&mut ctx, detected, settings);
    Ok(ctx)
}

/// The CI system running us, most specific first: Gitea and Forgejo also set
/// `GITHUB_ACTIONS`, Woodpecker sets `CI=woodpecker` besides `CI_*` names GitLab uses too, and
/// Harness sets Drone's `DRONE_*`.
pub fn provider(env: &Env) -> &'static str {
    if env.is_true("GITHUB_ACTIONS") {
        github::provider(env)
    } else if env.is_true("GITLAB_CI") {
        "gitlab"
    } else if env.get("CI") == Some("woodpecker") {
        "woodpecker"
    } else if env.is_true("DRONE") || env.get("HARNESS_BUILD_ID").is_some() {
        "drone"
    } else if env.get("BITBUCKET_BUILD_NUMBER").is_some() {
        "bitbucket"
    } else if env.is_true("CIRCLECI") {
        "circleci"
    } else if env.is_true("BUILDKITE") {
        "buildkite"
    } else if env.is_true("TF_BUILD") {
        "azure"
    } else if env.get("JENKINS_URL").is_some() {
        "jenkins"
    } else {
        "local"
    }
}

/// A ref from a tag or a branch name, with a link under `repo_url` when it is known.
pub(crate) fn ref_of(tag: Option<&str>, branch: Option<&str>, repo_url: Option<&str>) -> GitRef {
    let (kind, name) = match (tag, branch) {
        (Some(tag), _) => (RefType::Tag, tag),
        (None, Some(branch)) => (RefType::Branch, branch),
        (None, None) => return GitRef::default(),
    };
    GitRef {
        url: repo_url.map(|u| format!("{u}/tree/{name}")),
        name: Some(name.to_owned()),
        kind: Some(kind),
    }
}

/// The event file named by `event-file`, else `GITHUB_EVENT_PATH`. A file the user named
/// must be readable JSON; the CI's own file is best effort.
fn read_event_file(
    env: &Env,
    settings: &Given,
    warnings: &mut Vec<String>,
) -> Result<Option<Value>, UsageError> {
    if let Some(path) = &settings.event_file {
        return read_json(path).map(Some).map_err(|why| {
            UsageError::setting_value("event-file", &path.display().to_string(), &why)
        });
    }
    let Some(path) = env.get("GITHUB_EVENT_PATH") else {
        return Ok(None);
    };
    match read_json(Path::new(path)) {
        Ok(value) => Ok(Some(value)),
        Err(why) => {
            warnings.push(format!("ignoring GITHUB_EVENT_PATH {path}: {why}"));
            Ok(None)
        }
    }
}

/// The deepest nesting an event may have: every built-in template must render it, and the
/// generic webhook's body holds the event a level down.
pub const MAX_EVENT_DEPTH: usize = 100;

fn read_json(path: &Path) -> Result<Value, String> {
    let text = crate::files::read(path, crate::files::EVENT_LIMIT)?;
    let value: Value = serde_json::from_slice(&text).map_err(|e| format!("not JSON ({e})"))?;
    if depth(&value) > MAX_EVENT_DEPTH {
        return Err(format!("nested deeper than {MAX_EVENT_DEPTH} levels"));
    }
    Ok(value)
}

/// How deeply arrays and objects nest in `value`.
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 1)];
    while let Some((value, level)) = stack.pop() {
        match value {
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, level + 1))),
            Value::Object(map) => stack.extend(map.values().map(|v| (v, level + 1))),
            _ => continue,
        }
        deepest = deepest.max(level);
    }
    deepest
}

/// Applies the settings over what was detected and derives the remaining fields.
fn finish(ctx: &mut Context, detected: Detected, settings: &Given) {
    ctx.status = Some(
        settings
            .status
            .or(detected.status)
            .unwrap_or(Status::Unknown),
    );
    ctx.event = settings
        .event
        .clone()
        .or(detected.event)
        .unwrap_or_else(|| "build".into());
    if let Some(name) = &settings.environment {
        ctx.environment.name = Some(name.clone());
    }
    if let Some(image) = &settings.image {
        ctx.image = Some(parse_image(image));
    }
    ctx.vars = settings.vars.clone();
    ctx.username = settings.username.clone();
    ctx.icon_url = settings.icon_url.clone();
    if ctx.status == Some(Status::Failure) {
        ctx.mention = settings.mention.clone().unwrap_or_default();
    }

    let commit = &mut ctx.commit;
    if let Some(sha) = &commit.sha {
        commit
            .short_sha
            .get_or_insert_with(|| sha.chars().take(7).collect());
    }
    if let Some(message) = &commit.message {
        commit
            .title
            .get_or_insert_with(|| message.lines().next().unwrap_or_default().to_owned());
    }
    if let Some(full) = &ctx.repository.full_name {
        let name = full.rsplit('/').next().unwrap_or(full).to_owned();
        ctx.repository.name.get_or_insert(name);
    }

    headline(ctx, settings);
    ctx.message = default_message(ctx);
    ctx.devtron = devtron(ctx);
}

/// The headline and Devtron's names again, after the history changed what they tell.
pub fn refresh(ctx: &mut Context, given: &Given) {
    headline(ctx, given);
    ctx.devtron = devtron(ctx);
}

/// The default headline, unless the settings give one.
fn headline(ctx: &mut Context, settings: &Given) {
    // The headline names what ran: for a build, the workflow ("Deploy to prod failed"),
    // unless the settings name the event; a release or deployment says so.
    let what = match (&settings.event, &ctx.workflow) {
        (None, Some(workflow)) if ctx.event == "build" && !workflow.trim().is_empty() => {
            workflow.trim().to_owned()
        }
        _ => {
            let mut event = ctx.event.clone();
            if let Some(first) = event.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            event
        }
    };
    ctx.title = default_title(ctx, &what);
}

/// `repo:tag`; the tag is what follows the last `:` after the last `/` (a registry port is
/// not a tag), and a digest `@sha256:…` is kept as the tag.
fn parse_image(image: &str) -> Image {
    if let Some((repo, digest)) = image.split_once('@') {
        return Image {
            repo: repo.into(),
            tag: Some(digest.into()),
        };
    }
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[slash..].rfind(':') {
        Some(colon) => Image {
            repo: image[..slash + colon].into(),
            tag: Some(image[slash + colon + 1..].into()),
        },
        None => Image {
            repo: image.into(),
            tag: None,
        },
    }
}

/// "❌ Build failed: acme/widgets@main", "✅ Deploy to prod succeeded: acme/api@v2 → production".
fn default_title(ctx: &Context, what: &str) -> String {
    let status = ctx.status.unwrap_or(Status::Unknown);
    let (icon, verb) = match status {
        Status::Started => ("🚀", "started"),
        Status::Success => ("✅", "succeeded"),
        Status::Failure => ("❌", "failed"),
        Status::Cancelled => ("🚫", "cancelled"),
        Status::Skipped => ("⏭️", "skipped"),
        Status::Unknown => ("🔔", "finished"),
    };
    use crate::status::Change;
    let verb = match (ctx.change, status) {
        (Some(Change::Fixed), _) => "fixed".to_owned(),
        (Some(Change::Broken), _) => "broken".to_owned(),
        (Some(Change::StillFailing), _) => match ctx.streak {
            Some(n) if n > 1 => format!("still failing ({n} runs)"),
            _ => "still failing".to_owned(),
        },
        _ => verb.to_owned(),
    };
    let mut title = format!("{icon} {what} {verb}");
    let place = ctx
        .repository
        .full_name
        .clone()
        .or(ctx.repository.name.clone());
    if let Some(place) = place {
        title.push_str(": ");
        title.push_str(&place);
        if let Some(name) = &ctx.git_ref.name {
            title.push('@');
            title.push_str(name);
        }
    }
    if let Some(env) = &ctx.environment.name {
        title.push_str(" → ");
        title.push_str(env);
    }
    title
}

/// The pull request's title, the release's name, else the commit message.
fn default_message(ctx: &Context) -> String {
    if let Some(pr) = &ctx.pull_request {
        if let Some(title) = &pr.title {
            return match &pr.number {
                Some(n) => format!("#{n} {title}"),
                None => title.clone(),
            };
        }
    }
    if let Some(release) = &ctx.release {
        if let Some(name) = release.name.as_ref().or(release.tag.as_ref()) {
            return name.clone();
        }
    }
    ctx.commit.message.clone().unwrap_or_default()
}

fn devtron(ctx: &Context) -> Devtron {
    let status = ctx.status.unwrap_or(Status::Unknown);
    let event_type = match status {
        Status::Started => "trigger",
        Status::Success => "success",
        Status::Failure | Status::Cancelled => "fail",
        other => other.as_str(),
    };
    let run_id = ctx.run.id.clone();
    Devtron {
        event_type: event_type.into(),
        devtron_app_name: ctx.repository.name.clone(),
        devtron_env_name: ctx.environment.name.clone(),
        devtron_pipeline_type: if ctx.event == "deploy" { "CD" } else { "CI" }.into(),
        devtron_ci_pipeline_id: run_id.clone(),
        devtron_cd_pipeline_id: run_id,
        devtron_build_git_commit_hash: ctx.commit.sha.clone(),
        devtron_triggered_by_email: ctx
            .commit
            .author
            .email
            .clone()
            .or_else(|| ctx.actor.clone()),
        devtron_container_image_repo: ctx.image.as_ref().map(|i| i.repo.clone()),
        devtron_container_image_tag: ctx.image.as_ref().and_then(|i| i.tag.clone()),
        build_history_link: ctx.run.url.clone(),
        app_details_link: ctx.repository.url.clone(),
    }
}

/// A string at a JSON pointer; numbers are given as text, empty strings as `None`.
pub(crate) fn text_at(value: &Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn owned(value: Option<&str>) -> Option<String> {
    value.map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_split_into_repo_and_tag() {
        let cases = [
            ("acme/api:1.2", "acme/api", Some("1.2")),
            (
                "registry:5000/acme/api:1.2",
                "registry:5000/acme/api",
                Some("1.2"),
            ),
            ("registry:5000/acme/api", "registry:5000/acme/api", None),
            ("acme/api@sha256:abc", "acme/api", Some("sha256:abc")),
            ("api", "api", None),
        ];
        for (text, repo, tag) in cases {
            let image = parse_image(text);
            assert_eq!(image.repo, repo, "{text}");
            assert_eq!(image.tag.as_deref(), tag, "{text}");
        }
    }
}
