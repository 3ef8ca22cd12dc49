//! Usage errors: everything that is the caller's to fix. They end the run with exit 2 before
//! anything is sent.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    message: String,
}

impl UsageError {
    pub fn new(message: impl Into<String>) -> UsageError {
        UsageError {
            message: message.into(),
        }
    }

    /// A problem with a setting as a whole.
    pub fn setting(name: &str, problem: &str) -> UsageError {
        UsageError::new(format!("setting `{name}` {problem}"))
    }

    /// A value that cannot be used: names the setting and the value.
    pub fn setting_value(name: &str, value: &str, expected: &str) -> UsageError {
        UsageError::new(format!(
            "setting `{name}`: cannot use {value:?}: {expected}"
        ))
    }

    /// clap's message on one line, without the usage it repeats: `unexpected argument
    /// '--statu' found (tip: a similar argument exists: '--status'); see crier --help`.
    pub fn from_clap(err: clap::Error) -> UsageError {
        let text = err.to_string();
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more"));
        let first = lines.next().unwrap_or("").trim_start_matches("error: ");
        let tips: Vec<&str> = lines.collect();
        let mut message = first.to_owned();
        if !tips.is_empty() {
            message.push_str(&format!(" ({})", tips.join("; ")));
        }
        message.push_str("; see crier --help");
        UsageError::new(message)
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageError {}
