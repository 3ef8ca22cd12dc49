//! GitLab's API v4 (at `CI_API_V4_URL`, self-managed instances included): the pipeline's
//! jobs and the finished pipelines on the same ref, asked at once.

use serde_json::Value;

use super::{counts, get_pages, is_id, job_status, outcome, parse_rfc3339, Api, History, MAX_RUNS};
use crate::context::{Context, Job, Previous};
use crate::status::Status;

pub fn look_up(api: &Api, ctx: &Context) -> Result<History, String> {
    let env = api.env;
    let base = env
        .get("CI_API_V4_URL")
        .ok_or("CI_API_V4_URL is not set")?
        .trim_end_matches('/')
        .to_owned();
    let project = env.get("CI_PROJECT_ID").ok_or("CI_PROJECT_ID is not set")?;
    let pipeline = env
        .get("CI_PIPELINE_ID")
        .ok_or("CI_PIPELINE_ID is not set")?;
    let this_job = env.get("CI_JOB_ID").unwrap_or("");
    let mut headers = Vec::new();
    if let Some(token) = api.token {
        // The job's own token goes in JOB-TOKEN; any other in PRIVATE-TOKEN.
        let name = match env.get("CI_JOB_TOKEN") == Some(token) {
            true => "JOB-TOKEN",
            false => "PRIVATE-TOKEN",
        };
        headers.push((name.to_owned(), token.to_owned()));
    }
    let git_ref = env
        .get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")
        .or(env.get("CI_COMMIT_REF_NAME"))
        .map(str::to_owned)
        .or_else(|| ctx.git_ref.name.clone())
        .ok_or("the ref is not known")?;
    let project_url = format!(
        "{base}/projects/{}",
        crate::url::percent_encode(project, b"-._~")
    );
    let (jobs, earlier) = std::thread::scope(|scope| {
        let jobs = scope.spawn(|| {
            let url = format!("{project_url}/pipelines/{pipeline}/jobs?per_page=100");
            get_pages(api, &base, url, &headers, 10, |v| v.as_array().cloned())
        });
        let earlier = scope.spawn(|| {
            let url = format!(
                "{project_url}/pipelines?ref={}&scope=finished&order_by=id&sort=desc&per_page={MAX_RUNS}",
                crate::url::percent_encode(&git_ref, b"-._~")
            );
            get_pages(api, &base, url, &headers, 1, |v| v.as_array().cloned())
        });
        (
            jobs.join().unwrap_or_else(|_| Err("internal error".into())),
            earlier
                .join()
                .unwrap_or_else(|_| Err("internal error".into())),
        )
    });
    let jobs: Vec<Job> = jobs?
        .iter()
        .filter(|j| !is_id(&j["id"], this_job))
        .filter_map(job)
        .collect();
    let earlier: Vec<(Status, Previous)> = earlier
        .map_err(|why| format!("cannot read the earlier pipelines: {why}"))?
        .iter()
        .filter(|p| !is_id(&p["id"], pipeline))
        .map(|p| (job_status(p["status"].as_str().unwrap_or("")), previous(p)))
        .filter(|(status, _)| counts(*status))
        .collect();
    Ok(History {
        run_status: outcome(&jobs),
        jobs,
        previous: earlier.first().map(|(_, p)| p.clone()),
        earlier: earlier.iter().map(|(s, _)| *s).collect(),
        history_known: true,
        started: env.get("CI_PIPELINE_CREATED_AT").and_then(parse_rfc3339),
    })
}

/// A finished job (GitLab has no steps to name).
fn job(v: &Value) -> Option<Job> {
    let status = v["status"].as_str()?;
    if !matches!(status, "success" | "failed" | "canceled" | "skipped") {
        return None;
    }
    Some(Job {
        name: v["name"].as_str()?.to_owned(),
        status: job_status(status),
        url: v["web_url"].as_str().map(str::to_owned),
        duration_s: v["duration"].as_f64().map(|d| d.max(0.0).round() as u64),
        failed_steps: Vec::new(),
    })
}

fn previous(pipeline: &Value) -> Previous {
    let text = |key: &str| match &pipeline[key] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    Previous {
        status: pipeline["status"].as_str().map(job_status),
        number: text("iid"),
        url: text("web_url"),
        sha: text("sha"),
    }
}
