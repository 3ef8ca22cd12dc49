//! The run's status, its many spellings across CI systems, and the `on` filter.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Started,
    Success,
    Failure,
    Cancelled,
    Skipped,
    Unknown,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Started,
        Status::Success,
        Status::Failure,
        Status::Cancelled,
        Status::Skipped,
        Status::Unknown,
    ];

    /// A status as users and CI systems spell it, case-insensitively. `None` for a word that
    /// is not a status.
    pub fn parse(text: &str) -> Option<Status> {
        let word = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Some(match word.as_str() {
            "started" | "start" | "running" | "pending" | "in_progress" | "queued" | "waiting"
            | "requested" | "created" | "preparing" | "scheduled" => Status::Started,
            "success"
            | "succeeded"
            | "successful"
            | "passed"
            | "pass"
            | "ok"
            | "fixed"
            | "completed"
            | "succeededwithissues"
            | "neutral"
            | "unstable" => Status::Success,
            "failure" | "failed" | "fail" | "error" | "errored" | "broken" | "timedout"
            | "timed_out" | "timeout" | "action_required" | "stale" | "startup_failure"
            | "killed" => Status::Failure,
            "cancelled" | "canceled" | "abandoned" | "aborted" | "stopped" => Status::Cancelled,
            "skipped" | "skip" | "not_built" | "manual" | "blocked" => Status::Skipped,
            "unknown" => Status::Unknown,
            _ => return None,
        })
    }

    /// A status read from a CI variable: an unfamiliar word is `unknown`, not an error.
    pub fn detect(text: &str) -> Status {
        Status::parse(text).unwrap_or(Status::Unknown)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Started => "started",
            Status::Success => "success",
            Status::Failure => "failure",
            Status::Cancelled => "cancelled",
            Status::Skipped => "skipped",
            Status::Unknown => "unknown",
        }
    }
}

/// What this run's outcome means next to the previous run's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Success after a failure.
    Fixed,
    /// Failure after a success.
    Broken,
    StillFailing,
    StillPassing,
    /// No earlier run to compare with.
    First,
}

impl Change {
    /// The change from `previous` (none: no earlier run) to `now`, where one is defined.
    pub fn between(previous: Option<Status>, now: Status) -> Option<Change> {
        use Status::*;
        Some(match (previous, now) {
            (None, Success | Failure) => Change::First,
            (Some(Failure), Success) => Change::Fixed,
            (Some(Success), Failure) => Change::Broken,
            (Some(Failure), Failure) => Change::StillFailing,
            (Some(Success), Success) => Change::StillPassing,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Change::Fixed => "fixed",
            Change::Broken => "broken",
            Change::StillFailing => "still_failing",
            Change::StillPassing => "still_passing",
            Change::First => "first",
        }
    }
}

/// The statuses, and changes, a run notifies on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnFilter {
    statuses: Vec<Status>,
    changes: Vec<Change>,
}

impl OnFilter {
    pub fn always() -> OnFilter {
        OnFilter {
            statuses: Status::ALL.to_vec(),
            changes: Vec::new(),
        }
    }

    /// Statuses and groups, separated by commas or white space. On error, returns the word
    /// that is neither.
    pub fn parse(text: &str) -> Result<OnFilter, String> {
        let mut statuses = Vec::new();
        let mut changes = Vec::new();
        for word in text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|w| !w.is_empty())
        {
            match word.to_ascii_lowercase().replace('_', "-").as_str() {
                "fixed" => changes.push(Change::Fixed),
                "broken" => changes.push(Change::Broken),
                "still-failing" => changes.push(Change::StillFailing),
                "changes" => changes.extend([Change::Fixed, Change::Broken]),
                "always" | "all" => statuses.extend(Status::ALL),
                "finished" => {
                    statuses.extend([Status::Success, Status::Failure, Status::Cancelled])
                }
                "problems" => statuses.extend([Status::Failure, Status::Cancelled]),
                _ => statuses.push(Status::parse(word).ok_or_else(|| word.to_owned())?),
            }
        }
        if statuses.is_empty() && changes.is_empty() {
            return Err(text.to_owned());
        }
        statuses.sort();
        statuses.dedup();
        changes.sort();
        changes.dedup();
        Ok(OnFilter { statuses, changes })
    }

    pub fn matches(&self, status: Status) -> bool {
        self.statuses.contains(&status)
    }

    /// Whether the filter names changes (`fixed`, `broken`, …), which need the previous run.
    pub fn wants_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    /// Whether a run with `status` and `change` is one to notify on. A change that could not
    /// be found out (`None`) counts as matching a filter that names changes: a missed failure
    /// is worse than an extra message.
    pub fn matches_run(&self, status: Status, change: Option<Change>) -> bool {
        self.matches(status)
            || (self.wants_changes() && change.map_or(true, |c| self.changes.contains(&c)))
    }
}

impl std::fmt::Display for OnFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .statuses
            .iter()
            .map(|s| s.as_str().to_owned())
            .chain(self.changes.iter().map(|c| c.as_str().replace('_', "-")))
            .collect();
        f.write_str(&names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn aliases_map_onto_statuses_case_insensitively() {
        for (text, status) in [
            ("success", Success),
            ("Succeeded", Success),
            ("PASSED", Success),
            ("SucceededWithIssues", Success),
            ("failure", Failure),
            ("failed", Failure),
            ("timedout", Failure),
            ("timed_out", Failure),
            ("cancelled", Cancelled),
            ("canceled", Cancelled),
            ("Canceled", Cancelled),
            ("abandoned", Cancelled),
            ("running", Started),
            ("pending", Started),
            ("in_progress", Started),
            ("skipped", Skipped),
            ("unknown", Unknown),
        ] {
            assert_eq!(Status::parse(text), Some(status), "{text}");
        }
        assert_eq!(Status::parse("exploded"), None);
        assert_eq!(Status::detect("exploded"), Unknown);
    }

    /// The whole table: every group and status against every status.
    #[test]
    fn on_filter_table() {
        let table: &[(&str, &[Status])] = &[
            (
                "always",
                &[Started, Success, Failure, Cancelled, Skipped, Unknown],
            ),
            ("finished", &[Success, Failure, Cancelled]),
            ("problems", &[Failure, Cancelled]),
            ("failure", &[Failure]),
            ("failed", &[Failure]),
            ("success", &[Success]),
            ("started", &[Started]),
            ("cancelled", &[Cancelled]),
            ("skipped", &[Skipped]),
            ("started,problems", &[Started, Failure, Cancelled]),
            ("success failure", &[Success, Failure]),
            (" success ,\n canceled ", &[Success, Cancelled]),
        ];
        for (text, matching) in table {
            let filter = OnFilter::parse(text).unwrap();
            for status in Status::ALL {
                assert_eq!(
                    filter.matches(status),
                    matching.contains(&status),
                    "on={text:?} status={status:?}"
                );
            }
        }
    }

    #[test]
    fn change_words_mix_with_statuses() {
        let filter = OnFilter::parse("failure, fixed").unwrap();
        assert!(filter.matches_run(Failure, Some(Change::StillFailing)));
        assert!(filter.matches_run(Success, Some(Change::Fixed)));
        assert!(!filter.matches_run(Success, Some(Change::StillPassing)));
        let changes = OnFilter::parse("changes").unwrap();
        assert!(changes.matches_run(Failure, Some(Change::Broken)));
        assert!(!changes.matches_run(Failure, Some(Change::StillFailing)));
        assert!(
            changes.matches_run(Success, None),
            "an unknown change notifies"
        );
        assert!(OnFilter::parse("still-failing")
            .unwrap()
            .matches_run(Failure, Some(Change::StillFailing)));
        assert_eq!(Change::between(Some(Failure), Success), Some(Change::Fixed));
        assert_eq!(Change::between(None, Failure), Some(Change::First));
    }

    #[test]
    fn on_filter_rejects_unknown_words_and_emptiness() {
        assert_eq!(
            OnFilter::parse("finished,sometimes"),
            Err("sometimes".into())
        );
        assert!(OnFilter::parse(" , ").is_err());
    }
}
