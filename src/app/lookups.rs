//! The run's history, looked up when a setting needs it (`status: run`, `on: changes`) or a
//! token is given, and applied to the context. A lookup that fails never stops the run.

use std::sync::Arc;

use crate::context::Context;
use crate::env::Env;
use crate::error::UsageError;
use crate::history::{self, Api};
use crate::net::Net;
use crate::report::Report;
use crate::routes::Route;
use crate::settings::Settings;
use crate::status::Status;

/// Looks the run up and applies what it finds; returns the transports it set up, for the
/// sending to reuse.
pub fn apply(
    ctx: &mut Context,
    settings: &Settings,
    routes: &[Route],
    env: &Env,
    report: &Report,
) -> Result<Option<Arc<Net>>, UsageError> {
    let wants_changes = settings.on.wants_changes()
        || routes
            .iter()
            .any(|r| r.on.as_ref().is_some_and(|on| on.wants_changes()));
    let needed = settings.status_from_run || wants_changes;
    let provider = ctx.ci.provider.clone();
    let token = match provider.as_str() {
        "github" => settings.github_token.as_deref().or(env.get("GITHUB_TOKEN")),
        "gitlab" => settings
            .gitlab_token
            .as_deref()
            .or(env.get("GITLAB_TOKEN"))
            .or(env.get("CI_JOB_TOKEN")),
        _ => None,
    };
    let unknown = |why: String| {
        if settings.status_from_run {
            ctx_note(report, &format!("{why}; the run's status is not known"));
        } else if wants_changes {
            ctx_note(
                report,
                &format!("{why}; the change is not known, so `on` takes this run"),
            );
        } else {
            ctx_note(report, &why);
        }
    };
    if !needed && token.is_none() {
        return Ok(None);
    }
    if !matches!(provider.as_str(), "github" | "gitlab") {
        unknown(format!(
            "the run's history is read from GitHub's or GitLab's API, not from {provider}"
        ));
        finish_unknown(ctx, settings);
        return Ok(None);
    }
    let Some(token) = token else {
        let setting = if provider == "github" {
            "github-token"
        } else {
            "gitlab-token"
        };
        unknown(format!("no `{setting}` to read the run's history with"));
        finish_unknown(ctx, settings);
        return Ok(None);
    };
    let net = Arc::new(Net::new(env)?);
    let api = Api {
        http: net.http(),
        env,
        token: Some(token),
        timeout: settings.timeout.min(history::LOOKUP_TIMEOUT),
    };
    match history::look_up(&api, ctx) {
        Ok(found) => history::apply(ctx, found, &settings.given(), settings.status_from_run),
        Err(why) => {
            unknown(format!(
                "cannot read the run's history from {provider}: {why}"
            ));
            finish_unknown(ctx, settings);
        }
    }
    Ok(Some(net))
}

fn ctx_note(report: &Report, text: &str) {
    report.line(&format!("note: {text}"));
}

/// `status: run` whose lookup failed: the status is unknown.
fn finish_unknown(ctx: &mut Context, settings: &Settings) {
    if settings.status_from_run {
        ctx.status = Some(Status::Unknown);
    }
}
