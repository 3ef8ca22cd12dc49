//! The only way out: every byte crier writes goes through here. stdout carries what was asked
//! for (payloads, the context, help); stderr one line per event, and GitHub annotations; and
//! step outputs and a summary go to their files.
//!
//! Everything passes the [`Redactor`] first, whole, before anything shortens or splits it. A
//! line that carries outside text (a server's body, a library's error, user text) stays one
//! line: line breaks become spaces, so no text can start a workflow command (`::add-mask::`)
//! on a line of its own. Payloads printed on GitHub are fenced with `::stop-commands::`.

use std::fs::OpenOptions;
use std::io::Write;

use crate::deliver::Outcome;
use crate::env::Env;
use crate::redact::Redactor;

/// The longest line written to stderr, in characters; a server's body is cut to fit.
const MAX_LINE: usize = 2000;

/// A token for `::stop-commands::` no text can guess.
fn fence_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    format!("crier-{random:016x}")
}

pub struct Report<'a> {
    redactor: &'a Redactor,
    /// On GitHub Actions (or Gitea/Forgejo), problems are also workflow-command annotations.
    annotate: bool,
    output_file: Option<String>,
    summary_file: Option<String>,
}

/// The run's overall result, as written to the `result` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunResult {
    Sent,
    Skipped,
    Failed,
    Partial,
}

impl RunResult {
    pub fn of(outcomes: &[Outcome]) -> RunResult {
        let sent = outcomes.iter().filter(|o| o.delivered).count();
        match (sent, outcomes.len() - sent) {
            (0, 0) => RunResult::Skipped,
            (_, 0) => RunResult::Sent,
            (0, _) => RunResult::Failed,
            _ => RunResult::Partial,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RunResult::Sent => "sent",
            RunResult::Skipped => "skipped",
            RunResult::Failed => "failed",
            RunResult::Partial => "partial",
        }
    }
}

impl<'a> Report<'a> {
    pub fn new(env: &Env, redactor: &'a Redactor) -> Report<'a> {
        Report {
            redactor,
            annotate: env.is_true("GITHUB_ACTIONS"),
            output_file: env.get("GITHUB_OUTPUT").map(str::to_owned),
            summary_file: env.get("GITHUB_STEP_SUMMARY").map(str::to_owned),
        }
    }

    /// A secret the CI does not know of: the runner is told to mask it (on GitHub), and
    /// every line we write masks it too.
    pub fn mask(&self, secret: &str) {
        self.redactor.add(secret);
        if self.annotate && !secret.contains(['\n', '\r']) {
            eprintln!("::add-mask::{secret}");
        }
    }

    /// What was asked for, on stdout: help, the version, the context.
    pub fn out(&self, text: &str) {
        let text = self.redactor.scrub(text);
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{}", text.trim_end_matches('\n'));
    }

    /// Payloads as they would be sent, one after another on stdout, each after its heading
    /// on stderr. On GitHub, where a payload holds a line that the runner would read as a
    /// workflow command (an e-mail's text with a commit message line `::add-mask::…`), the
    /// runner is told to stop reading commands around them.
    pub fn payloads(&self, payloads: &[(String, std::borrow::Cow<'_, str>)]) {
        let commands = payloads
            .iter()
            .any(|(_, p)| p.lines().any(|l| l.trim_start().starts_with("::")));
        let fence = (self.annotate && commands).then(fence_token);
        if let Some(token) = &fence {
            println!("::stop-commands::{token}");
        }
        for (heading, payload) in payloads {
            self.line(heading);
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{}", self.redactor.scrub(payload));
            let _ = stdout.flush();
        }
        let mut stdout = std::io::stdout().lock();
        if let Some(token) = &fence {
            let _ = writeln!(stdout, "::{token}::");
        }
    }

    /// A progress or diagnostic line on stderr.
    pub fn line(&self, text: &str) {
        eprintln!("crier: {}", self.one_line(text));
    }

    /// `text` masked, then made one line and kept to a readable length.
    fn one_line(&self, text: &str) -> String {
        let text = self.redactor.scrub(text);
        let flat: String = text
            .split(|c: char| c.is_control() || c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        crate::markup::fit(&flat, MAX_LINE, crate::markup::plain).0
    }

    pub fn warning(&self, text: &str) {
        self.problem("warning", text);
    }

    pub fn error(&self, text: &str) {
        self.problem("error", text);
    }

    fn problem(&self, level: &str, text: &str) {
        let text = self.one_line(text);
        if self.annotate {
            // The runner reads workflow commands from stderr as well as stdout.
            eprintln!("::{level}::{}", escape_command_data(&text));
        } else {
            eprintln!("crier: {level}: {text}");
        }
    }

    /// `result`, `sent`, `failed` and message ids in `$GITHUB_OUTPUT`, and a table in
    /// `$GITHUB_STEP_SUMMARY`, where those files are given.
    pub fn finish(&self, result: RunResult, outcomes: &[Outcome], note: &str) {
        let sent = outcomes.iter().filter(|o| o.delivered).count();
        let failed = outcomes.len() - sent;
        if let Some(path) = &self.output_file {
            let mut text = format!("result={}\nsent={sent}\nfailed={failed}\n", result.as_str());
            // Message ids, where the service returns one: `message-id-N` for destination N,
            // and `message-id` for the first.
            let ids: Vec<(usize, &str)> = outcomes
                .iter()
                .enumerate()
                .filter_map(|(i, o)| o.message_id.as_deref().map(|id| (i + 1, id)))
                .filter(|(_, id)| !id.contains(['\n', '\r']))
                .collect();
            if let Some((_, first)) = ids.first() {
                text.push_str(&format!("message-id={first}\n"));
            }
            for (n, id) in ids {
                text.push_str(&format!("message-id-{n}={id}\n"));
            }
            self.append(path, &text, "GITHUB_OUTPUT");
        }
        if let Some(path) = &self.summary_file {
            self.append(
                path,
                &summary(result, outcomes, note),
                "GITHUB_STEP_SUMMARY",
            );
        }
    }

    fn append(&self, path: &str, text: &str, what: &str) {
        let text = self.redactor.scrub(text);
        let written = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        if let Err(e) = written {
            self.warning(&format!(
                "cannot write {what} ({path}): {}",
                crate::files::reason(&e)
            ));
        }
    }
}

fn summary(result: RunResult, outcomes: &[Outcome], note: &str) -> String {
    let mut text = format!("### Town Crier: {}\n\n", result.as_str());
    if !note.is_empty() {
        text.push_str(&format!("{}\n\n", cell(note)));
    }
    if outcomes.is_empty() {
        return text;
    }
    text.push_str("| Destination | Result | Attempts | Detail |\n|---|---|---|---|\n");
    for o in outcomes {
        let result = if o.delivered {
            "✅ sent"
        } else {
            "❌ failed"
        };
        text.push_str(&format!(
            "| {} | {result} | {} | {} |\n",
            cell(&o.label),
            o.attempts,
            cell(&o.detail)
        ));
    }
    text.push('\n');
    text
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// Workflow-command data: `%`, CR and LF are percent-encoded (as `@actions/core` does).
pub fn escape_command_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(delivered: bool) -> Outcome {
        Outcome {
            label: "[1] webhook https://x/***".into(),
            delivered,
            attempts: 1,
            detail: "HTTP 200 | ok\nmore".into(),
            message_id: None,
        }
    }

    #[test]
    fn result_reflects_the_outcomes() {
        assert_eq!(RunResult::of(&[]), RunResult::Skipped);
        assert_eq!(RunResult::of(&[outcome(true)]), RunResult::Sent);
        assert_eq!(RunResult::of(&[outcome(false)]), RunResult::Failed);
        assert_eq!(
            RunResult::of(&[outcome(true), outcome(false)]),
            RunResult::Partial
        );
    }

    #[test]
    fn command_data_and_table_cells_are_escaped() {
        assert_eq!(
            escape_command_data("50% done\r\nnext"),
            "50%25 done%0D%0Anext"
        );
        let table = summary(RunResult::Sent, &[outcome(true)], "");
        assert!(table.contains("HTTP 200 \\| ok more"), "{table}");
    }
}
