//! What the run means: the run's other jobs, its previous run, and how long it has taken,
//! read from the CI's API (GitHub's REST API, GitLab's API v4) with a token. The lookups only
//! add: when one fails (no token, no permission, rate limited, slow, garbage), one line says
//! why and the run notifies as it would without them.

mod github;
mod gitlab;
mod time;

use std::time::Duration;

use serde_json::Value;

use crate::context::{self, Context, Given, Job, Previous};
use crate::env::Env;
use crate::http::{describe, Http, Reply};
use crate::status::Status;

pub use time::{now_unix, parse_rfc3339};

/// The most runs looked back at for a streak.
pub const MAX_RUNS: usize = 100;
/// The longest one lookup request may take.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// What the API told of the run.
#[derive(Debug, Default)]
pub struct History {
    /// The run's outcome from its other jobs (`status: run`).
    pub run_status: Option<Status>,
    pub jobs: Vec<Job>,
    /// The statuses of earlier runs, newest first (cancelled and skipped ones left out), and
    /// the one compared with; `None` in `runs` when there was no earlier run.
    pub previous: Option<Previous>,
    pub earlier: Vec<Status>,
    /// Whether the earlier runs could be read.
    pub history_known: bool,
    /// When the run started, in seconds since 1970.
    pub started: Option<u64>,
}

/// Where to ask, and with what.
pub struct Api<'a> {
    pub http: &'a Http,
    pub env: &'a Env,
    pub token: Option<&'a str>,
    pub timeout: Duration,
}

/// Looks the run up on the CI running us; `Err` says, in one line, why it could not.
pub fn look_up(api: &Api, ctx: &Context) -> Result<History, String> {
    match ctx.ci.provider.as_str() {
        "github" => github::look_up(api, ctx),
        "gitlab" => gitlab::look_up(api, ctx),
        other => Err(format!(
            "the run's history is read from GitHub's or GitLab's API, not {other}'s"
        )),
    }
}

/// One GET of an API, as JSON, following `Link: rel="next"` on the same host for at most
/// `pages` pages; `items` takes each page's list out of its body. The token goes only to
/// `base`'s host.
pub(crate) fn get_pages(
    api: &Api,
    base: &str,
    url: String,
    headers: &[(String, String)],
    pages: usize,
    items: impl Fn(&Value) -> Option<Vec<Value>>,
) -> Result<Vec<Value>, String> {
    let api_origin = origin(base);
    let mut all = Vec::new();
    let mut next = Some(url);
    for _ in 0..pages {
        let Some(url) = next.take() else { break };
        if origin(&url) != api_origin {
            break;
        }
        let reply = get(api, &url, headers)?;
        let page = items(&reply.json()).ok_or_else(|| {
            format!(
                "the API's answer is not what its description says ({})",
                short(&reply)
            )
        })?;
        all.extend(page);
        next = reply.next_link();
    }
    Ok(all)
}

/// `scheme://host:port` of a URL: where a token may go.
fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        crate::url::parts(rest).hostport.to_ascii_lowercase()
    )
}

/// One GET, judged: a 2xx with its body, or why not.
pub(crate) fn get(api: &Api, url: &str, headers: &[(String, String)]) -> Result<Reply, String> {
    let reply = api
        .http
        .get(url, headers, api.timeout)
        .map_err(|e| format!("the API did not answer ({})", e.reason))?;
    let limited = reply.header("x-ratelimit-remaining") == Some("0")
        || reply.header("ratelimit-remaining") == Some("0");
    match reply.status {
        200..=299 => Ok(reply),
        403 | 429 if limited => Err("the API's rate limit is used up".into()),
        401 => Err("the token was refused (HTTP 401)".into()),
        403 => Err(format!(
            "the token may not read the run ({}); on GitHub the workflow needs \
             `permissions: actions: read`, on GitLab a token with read_api",
            short(&reply)
        )),
        _ => Err(format!("the API answered {}", short(&reply))),
    }
}

fn short(reply: &Reply) -> String {
    crate::markup::fit(&describe(reply), 200, crate::markup::plain).0
}

/// A job's status from its API words.
pub(crate) fn job_status(word: &str) -> Status {
    Status::detect(word)
}

/// The run's outcome from its finished jobs: failure if any failed (or timed out), else
/// cancelled if any was, else success.
pub(crate) fn outcome(jobs: &[Job]) -> Option<Status> {
    if jobs.is_empty() {
        return None;
    }
    let any = |s: Status| jobs.iter().any(|j| j.status == s);
    Some(if any(Status::Failure) {
        Status::Failure
    } else if any(Status::Cancelled) {
        Status::Cancelled
    } else {
        Status::Success
    })
}

/// What the run's history says, applied: the change, the previous run, the streak, the jobs,
/// the duration; and `status: run`'s status. The headline and Devtron's names follow.
pub fn apply(ctx: &mut Context, history: History, given: &Given, from_run: bool) {
    if from_run {
        ctx.status = Some(history.run_status.unwrap_or(Status::Unknown));
        if ctx.status == Some(Status::Failure) {
            ctx.mention = given.mention.clone().unwrap_or_default();
        }
    }
    let status = ctx.status.unwrap_or(Status::Unknown);
    ctx.failed_jobs = history
        .jobs
        .iter()
        .filter(|j| j.status == Status::Failure)
        .cloned()
        .collect();
    ctx.jobs = history.jobs;
    if let Some(started) = history.started {
        ctx.duration_s = now_unix().checked_sub(started);
    }
    if history.history_known {
        let previous_status = history.previous.as_ref().and_then(|p| p.status);
        ctx.change = crate::status::Change::between(previous_status, status);
        let same = history.earlier.iter().take_while(|s| **s == status).count();
        ctx.streak = Some(u32::try_from(same + 1).unwrap_or(u32::MAX));
        ctx.previous = history.previous;
    }
    context::refresh(ctx, given);
}

/// Whether an API's id (a number, or text) is `id`.
pub(crate) fn is_id(value: &Value, id: &str) -> bool {
    match value {
        Value::Number(n) => n.to_string() == id,
        Value::String(s) => s == id,
        _ => false,
    }
}

/// Whether a previous run counts: cancelled and skipped ones do not.
pub(crate) fn counts(status: Status) -> bool {
    matches!(status, Status::Success | Status::Failure)
}
