//! GitHub's REST API (and GitHub Enterprise Server's, at `GITHUB_API_URL`): the run, its
//! jobs and the workflow's earlier runs on the same branch, asked at once.

use serde_json::Value;

use super::{
    counts, get, get_pages, is_id, job_status, outcome, parse_rfc3339, Api, History, MAX_RUNS,
};
use crate::context::{Context, Job, Previous};
use crate::status::Status;

pub fn look_up(api: &Api, ctx: &Context) -> Result<History, String> {
    let env = api.env;
    let base = env
        .get("GITHUB_API_URL")
        .unwrap_or("https://api.github.com")
        .trim_end_matches('/')
        .to_owned();
    let repo = ctx
        .repository
        .full_name
        .clone()
        .ok_or("the repository is not known")?;
    let run_id = ctx.run.id.clone().ok_or("the run's id is not known")?;
    let attempt: u32 = ctx
        .run
        .attempt
        .as_deref()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let mut headers = vec![("X-GitHub-Api-Version".to_owned(), "2022-11-28".to_owned())];
    if let Some(token) = api.token {
        headers.push(("Authorization".to_owned(), format!("Bearer {token}")));
    }
    let headers = &headers;
    let runs = &format!("{base}/repos/{repo}/actions/runs/{run_id}");
    // The workflow's file, from GITHUB_WORKFLOW_REF (`owner/repo/.github/workflows/ci.yml@ref`),
    // names it in the API as well as its id does, so every request can go at once.
    let workflow_file = env
        .get("GITHUB_WORKFLOW_REF")
        .and_then(|r| r.split('@').next())
        .and_then(|p| p.rsplit('/').next())
        .map(str::to_owned);
    let branch = ctx
        .pull_request
        .as_ref()
        .and_then(|pr| pr.source_branch.clone())
        .or_else(|| ctx.git_ref.name.clone());

    let earlier_of = |workflow: &str| -> Result<Vec<Value>, String> {
        let branch = branch.as_deref().ok_or("the branch is not known")?;
        let url = format!(
            "{base}/repos/{repo}/actions/workflows/{workflow}/runs?branch={}&status=completed&per_page={MAX_RUNS}",
            crate::url::percent_encode(branch, b"-._~")
        );
        get_pages(api, &base, url, headers, 1, |v| {
            v["workflow_runs"].as_array().cloned()
        })
    };
    let earlier_of = &earlier_of;
    let base = &base;
    let (run, jobs, earlier, before) = std::thread::scope(|scope| {
        let run = scope.spawn(move || get(api, runs, headers).map(|r| r.json()));
        let jobs = scope.spawn(move || {
            let url = format!("{runs}/jobs?per_page=100");
            get_pages(api, base, url, headers, 10, |v| {
                v["jobs"].as_array().cloned()
            })
        });
        let earlier = workflow_file
            .as_deref()
            .map(|w| scope.spawn(move || earlier_of(w)));
        let before = (attempt > 1).then(|| {
            let url = format!("{runs}/attempts/{}", attempt - 1);
            scope.spawn(move || get(api, &url, headers).map(|r| r.json()))
        });
        let join = |h: std::thread::ScopedJoinHandle<'_, Result<Value, String>>| {
            h.join().unwrap_or_else(|_| Err("internal error".into()))
        };
        (
            join(run),
            jobs.join().unwrap_or_else(|_| Err("internal error".into())),
            earlier.map(|h| h.join().unwrap_or_else(|_| Err("internal error".into()))),
            before.map(join),
        )
    });
    let run = run?;
    if !run.is_object() || run["id"].is_null() {
        return Err("the API's answer for the run is not what its description says".into());
    }
    let jobs: Vec<Job> = jobs?.iter().filter_map(job).collect();
    let earlier = match earlier {
        Some(earlier) => earlier,
        // Without GITHUB_WORKFLOW_REF, the run names its workflow.
        None => earlier_of(&run["workflow_id"].to_string()),
    };
    let mut history = History {
        run_status: outcome(&jobs),
        jobs,
        started: run["run_started_at"]
            .as_str()
            .or(run["created_at"].as_str())
            .and_then(parse_rfc3339),
        ..History::default()
    };
    match earlier {
        Ok(runs) => {
            let earlier: Vec<(Status, Previous)> = runs
                .iter()
                .filter(|r| !is_id(&r["id"], &run_id))
                .map(|r| {
                    (
                        job_status(r["conclusion"].as_str().unwrap_or("")),
                        previous(r),
                    )
                })
                .filter(|(status, _)| counts(*status))
                .collect();
            history.earlier = earlier.iter().map(|(s, _)| *s).collect();
            history.previous = earlier.into_iter().next().map(|(_, p)| p);
            history.history_known = true;
        }
        Err(why) => return Err(format!("cannot read the workflow's earlier runs: {why}")),
    }
    // A re-run compares with the attempt before it.
    if let Some(before) = before {
        let before = before?;
        let status = job_status(before["conclusion"].as_str().unwrap_or(""));
        if counts(status) {
            history.previous = Some(Previous {
                status: Some(status),
                ..previous(&before)
            });
            history.earlier.insert(0, status);
        }
    }
    Ok(history)
}

/// A finished job; the one crier runs in, still running, is left out.
fn job(v: &Value) -> Option<Job> {
    if v["status"].as_str() != Some("completed") {
        return None;
    }
    let seconds = |key: &str| v[key].as_str().and_then(parse_rfc3339);
    Some(Job {
        name: v["name"].as_str()?.to_owned(),
        status: job_status(v["conclusion"].as_str().unwrap_or("")),
        url: v["html_url"].as_str().map(str::to_owned),
        duration_s: match (seconds("started_at"), seconds("completed_at")) {
            (Some(a), Some(b)) => b.checked_sub(a),
            _ => None,
        },
        failed_steps: v["steps"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| matches!(s["conclusion"].as_str(), Some("failure" | "timed_out")))
            .filter_map(|s| s["name"].as_str().map(str::to_owned))
            .collect(),
    })
}

fn previous(run: &Value) -> Previous {
    let text = |key: &str| match &run[key] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    Previous {
        status: run["conclusion"].as_str().map(job_status),
        number: text("run_number"),
        url: text("html_url"),
        sha: text("head_sha"),
    }
}
