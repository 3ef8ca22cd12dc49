//! Delivery: every destination on its own thread, each attempt with its own timeout, retried
//! only when retrying can help, waiting as the server asks (or backing off with jitter), and
//! never past the destination's deadline. One destination failing does not stop the others.
//!
//! The deadline holds by construction, whatever the transport does: every attempt runs on a
//! thread of its own and is waited for at most `min(timeout, what is left of the deadline)`
//! plus [`CUTOFF_GRACE`]. An attempt still running then (a server trickling bytes, a name
//! lookup that hangs) is abandoned and ends with the process.

use std::hash::{BuildHasher, Hasher};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use crate::verdict::Verdict;

/// How long past its limit an attempt is waited for before it is cut off: room for the
/// transport's own timeout, which says more, to fire first.
pub const CUTOFF_GRACE: Duration = Duration::from_millis(150);

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Attempts after the first.
    pub retries: u32,
    /// Longest wait for one attempt.
    pub timeout: Duration,
    /// Longest time for all attempts of one destination, waits included.
    pub deadline: Duration,
}

/// One try at sending a destination's message, within `timeout`.
pub trait Attempt: Send + Sync {
    fn attempt(&self, timeout: Duration) -> Verdict;
}

pub struct Job {
    /// How messages name the destination (already free of secrets).
    pub label: String,
    pub sender: Arc<dyn Attempt>,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub label: String,
    pub delivered: bool,
    pub attempts: u32,
    /// What the last attempt came to.
    pub detail: String,
    pub message_id: Option<String>,
}

/// Sends every job concurrently; outcomes come back in the jobs' order. `log` receives one
/// line per attempt.
pub fn deliver_all(jobs: Vec<Job>, policy: Policy, log: &(dyn Fn(&str) + Sync)) -> Vec<Outcome> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|job| scope.spawn(move || deliver_one(job, policy, log)))
            .collect();
        handles
            .into_iter()
            .zip(&jobs)
            .map(|(handle, job)| {
                handle.join().unwrap_or_else(|_| Outcome {
                    label: job.label.clone(),
                    delivered: false,
                    attempts: 0,
                    detail: "internal error while sending".into(),
                    message_id: None,
                })
            })
            .collect()
    })
}

fn deliver_one(job: &Job, policy: Policy, log: &(dyn Fn(&str) + Sync)) -> Outcome {
    let start = Instant::now();
    let total = policy.retries.saturating_add(1);
    let mut outcome = Outcome {
        label: job.label.clone(),
        delivered: false,
        attempts: 0,
        detail: String::new(),
        message_id: None,
    };
    loop {
        let remaining = policy.deadline.saturating_sub(start.elapsed());
        if remaining.is_zero() {
            outcome.detail = format!("{}; the deadline has passed", outcome.detail);
            return outcome;
        }
        outcome.attempts += 1;
        let n = outcome.attempts;
        let prefix = format!("{} attempt {n}/{total}", job.label);
        match bounded(&job.sender, policy.timeout.min(remaining)) {
            Verdict::Delivered { detail, message_id } => {
                log(&format!("{prefix}: delivered ({detail})"));
                outcome.delivered = true;
                outcome.detail = detail;
                outcome.message_id = message_id;
                return outcome;
            }
            Verdict::Failed { reason } => {
                log(&format!("{prefix}: failed: {reason}; not retried"));
                outcome.detail = reason;
                return outcome;
            }
            Verdict::Retry { reason, after } => {
                outcome.detail = reason.clone();
                if n >= total {
                    log(&format!("{prefix}: failed: {reason}; no retries left"));
                    return outcome;
                }
                let wait = after.unwrap_or_else(|| backoff(n));
                let deadline_left = policy.deadline.saturating_sub(start.elapsed());
                if wait >= deadline_left {
                    let why = match after {
                        Some(_) => format!(
                            "the server asks to wait {}, past the {} deadline; giving up",
                            seconds(wait),
                            seconds(policy.deadline)
                        ),
                        None => format!(
                            "another attempt would pass the {} deadline; giving up",
                            seconds(policy.deadline)
                        ),
                    };
                    log(&format!("{prefix}: failed: {reason}; {why}"));
                    outcome.detail = format!("{reason}; {why}");
                    return outcome;
                }
                let asked = if after.is_some() {
                    " as the server asks"
                } else {
                    ""
                };
                log(&format!(
                    "{prefix}: {reason}; retrying in {}{asked}",
                    seconds(wait)
                ));
                std::thread::sleep(wait);
            }
        }
    }
}

/// One attempt, given `limit` and cut off shortly after it.
fn bounded(sender: &Arc<dyn Attempt>, limit: Duration) -> Verdict {
    let (tx, rx) = mpsc::sync_channel(1);
    let sender = Arc::clone(sender);
    let spawned = std::thread::Builder::new()
        .name("attempt".into())
        .spawn(move || {
            let _ = tx.send(sender.attempt(limit));
        });
    if spawned.is_err() {
        return Verdict::retry("cannot start a thread for the attempt");
    }
    match rx.recv_timeout(limit + CUTOFF_GRACE) {
        Ok(verdict) => verdict,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            Verdict::retry("no answer within the timeout (the attempt was cut off)")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Verdict::failed("internal error while sending")
        }
    }
}

/// Exponential backoff from about one second, doubling, at most 30 s, with ±25 % jitter so
/// that many jobs failing together do not retry together.
fn backoff(attempt: u32) -> Duration {
    let base = 2f64.powi(attempt.saturating_sub(1).min(5) as i32).min(30.0);
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let jitter = 0.75 + (random % 1000) as f64 / 2000.0;
    Duration::from_secs_f64(base * jitter)
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Mutex;

    /// Plays a script of verdicts, one per attempt.
    struct Script {
        verdicts: Mutex<Vec<Verdict>>,
        calls: AtomicU32,
    }

    impl Attempt for Script {
        fn attempt(&self, _: Duration) -> Verdict {
            self.calls.fetch_add(1, Ordering::SeqCst);
            self.verdicts.lock().unwrap().remove(0)
        }
    }

    fn retry(after: Option<Duration>) -> Verdict {
        Verdict::Retry {
            reason: "HTTP 503".into(),
            after,
        }
    }

    fn run(verdicts: Vec<Verdict>, policy: Policy) -> (Outcome, Vec<String>) {
        let lines = Mutex::new(Vec::new());
        let job = Job {
            label: "[1] test".into(),
            sender: Arc::new(Script {
                verdicts: Mutex::new(verdicts),
                calls: AtomicU32::new(0),
            }),
        };
        let log = |l: &str| lines.lock().unwrap().push(l.to_owned());
        let outcome = deliver_all(vec![job], policy, &log).remove(0);
        (outcome, lines.into_inner().unwrap())
    }

    const POLICY: Policy = Policy {
        retries: 3,
        timeout: Duration::from_secs(1),
        deadline: Duration::from_secs(60),
    };

    #[test]
    fn retries_until_delivered_waiting_as_asked() {
        let zero = Some(Duration::ZERO);
        let delivered = Verdict::Delivered {
            detail: "HTTP 200".into(),
            message_id: None,
        };
        let (outcome, lines) = run(vec![retry(zero), retry(zero), delivered], POLICY);
        assert!(outcome.delivered);
        assert_eq!(outcome.attempts, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines[0].contains("attempt 1/4") && lines[0].contains("as the server asks"));
    }

    #[test]
    fn stops_after_the_retries() {
        let zero = Some(Duration::ZERO);
        let policy = Policy {
            retries: 1,
            ..POLICY
        };
        let (outcome, lines) = run(vec![retry(zero), retry(zero), retry(zero)], policy);
        assert!(!outcome.delivered);
        assert_eq!(outcome.attempts, 2);
        assert!(lines[1].contains("no retries left"));
    }

    #[test]
    fn a_wait_past_the_deadline_gives_up_at_once() {
        let (outcome, lines) = run(vec![retry(Some(Duration::from_secs(600)))], POLICY);
        assert_eq!(outcome.attempts, 1);
        assert!(lines[0].contains("past the 60.0 s deadline"), "{lines:?}");
    }

    #[test]
    fn failures_are_not_retried() {
        let failed = Verdict::Failed {
            reason: "HTTP 404".into(),
        };
        let (outcome, lines) = run(vec![failed], POLICY);
        assert_eq!(outcome.attempts, 1);
        assert!(lines[0].contains("not retried"));
    }

    #[test]
    fn backoff_starts_near_a_second_and_grows() {
        for _ in 0..100 {
            let first = backoff(1).as_secs_f64();
            assert!((0.75..=1.25).contains(&first), "{first}");
            let third = backoff(3).as_secs_f64();
            assert!((3.0..=5.0).contains(&third), "{third}");
            assert!(backoff(20) <= Duration::from_secs_f64(37.5));
        }
    }
}
