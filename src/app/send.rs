//! Sending the chosen messages concurrently, keeping the handles that come back, and the
//! run's conclusion: outputs, summary, annotations and the exit status.

use std::sync::Arc;
use std::time::Duration;

use super::recipients::Chosen;
use super::{EXIT_FAILED, EXIT_OK};
use crate::deliver::{self, Attempt, Job, Policy};
use crate::error::UsageError;
use crate::handles::{self, StateFile};
use crate::net::Net;
use crate::report::{Report, RunResult};
use crate::services::Message;
use crate::settings::Settings;
use crate::verdict::Verdict;

/// A message and the transports it goes out through: one attempt of delivery.
struct Sending {
    message: Arc<dyn Message>,
    net: Arc<Net>,
}

impl Attempt for Sending {
    fn attempt(&self, timeout: Duration) -> Verdict {
        self.message.send(&self.net, timeout)
    }
}

/// Sends every chosen message, concurrently. Message ids come back as handles
/// (`NAME:ID`), which the state file keeps when there is one.
pub fn send(
    chosen: Vec<Chosen>,
    settings: &Settings,
    net: Arc<Net>,
    mut state: Option<&mut StateFile>,
    report: &Report,
) -> Result<Vec<deliver::Outcome>, UsageError> {
    let kept: Vec<(&'static str, String)> = chosen
        .iter()
        .map(|c| (c.recipient.name(), c.recipient.key.clone()))
        .collect();
    let jobs = chosen
        .into_iter()
        .map(|c| Job {
            label: c.recipient.label(),
            sender: Arc::new(Sending {
                message: c.message,
                net: Arc::clone(&net),
            }),
        })
        .collect();
    let policy = Policy {
        retries: settings.retries,
        timeout: settings.timeout,
        deadline: settings.deadline,
    };
    // What a service learned while sending (a log-in's token) is masked before each line.
    let mask_learned = || net.take_learned().iter().for_each(|s| report.mask(s));
    let mut outcomes = deliver::deliver_all(jobs, policy, &|line| {
        mask_learned();
        report.line(line)
    });
    mask_learned();
    for (outcome, (name, key)) in outcomes.iter_mut().zip(kept) {
        if let Some(id) = outcome.message_id.take() {
            let handle = handles::handle(name, &id);
            if let Some(state) = state.as_deref_mut() {
                state.set(key, handle.clone());
            }
            outcome.message_id = Some(handle);
        }
    }
    if let (Some(state), Some(path)) = (state, &settings.state_file) {
        if let Err(why) = state.save() {
            report.warning(&format!(
                "cannot write the state file {}: {why}",
                path.display()
            ));
        }
    }
    Ok(outcomes)
}

/// The outputs and summary, an annotation per failure, and the exit status.
pub fn conclude(outcomes: &[deliver::Outcome], settings: &Settings, report: &Report) -> i32 {
    report.finish(RunResult::of(outcomes), outcomes, "");
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.delivered).collect();
    if failed.is_empty() {
        report.line(&format!("sent to {} destination(s)", outcomes.len()));
        return EXIT_OK;
    }
    for outcome in &failed {
        let text = format!("{} was not notified: {}", outcome.label, outcome.detail);
        if settings.fail_on_error {
            report.error(&text);
        } else {
            report.warning(&text);
        }
    }
    if settings.fail_on_error {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}
