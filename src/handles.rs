//! Message handles: `FORMAT:ID` (`slack:C0123/1700000000.000100`, `discord:1100223344`), so a
//! later step can edit the message a run posted. They go to the step outputs, come back
//! through `update`, and can be kept in a `state-file` between the steps of one job.
//!
//! The state file maps each destination to its handle by a SHA-256 hash of the destination,
//! so the workspace never holds a webhook's secret URL, nor a fast hash of it that a guessed
//! low-entropy token could be checked against.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::UsageError;
use crate::files;

/// `FORMAT:ID`.
pub fn handle(format: &str, id: &str) -> String {
    format!("{format}:{id}")
}

/// The id in `handle` if it is one of `format`'s.
pub fn id_for<'a>(handle: &'a str, format: &str) -> Option<&'a str> {
    handle
        .strip_prefix(format)
        .and_then(|rest| rest.strip_prefix(':'))
        .filter(|id| !id.is_empty())
}

/// A stable name for a destination: its service and a SHA-256 hash of its URL.
pub fn key(service: &str, raw: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, raw.trim().as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("{service}-{hex}")
}

/// The thread a `thread` setting names for `service`: a handle of that service (`slack:C…/ts`)
/// for it only; a bare id for every destination.
pub fn thread_for<'a>(handle: &'a str, service: &str) -> Option<&'a str> {
    let handle = handle.trim();
    match handle.split_once(':') {
        Some((prefix, _)) if crate::services::by_name(prefix).is_some() => id_for(handle, service),
        _ => Some(handle).filter(|h| !h.is_empty()),
    }
}

/// Handles given through `update`, each used by at most one destination, in order.
pub struct Updates {
    handles: Vec<(String, bool)>,
}

impl Updates {
    pub fn new(handles: &[String]) -> Updates {
        Updates {
            handles: handles
                .iter()
                .map(|h| (h.trim().to_owned(), false))
                .collect(),
        }
    }

    /// The id of the first unused handle of `format`.
    pub fn take(&mut self, format: &str) -> Option<String> {
        self.handles.iter_mut().find_map(|(handle, used)| {
            let id = id_for(handle, format).filter(|_| !*used)?.to_owned();
            *used = true;
            Some(id)
        })
    }
}

/// The `state-file`: `{"KEY": "HANDLE", …}`.
pub struct StateFile {
    path: PathBuf,
    handles: BTreeMap<String, String>,
}

impl StateFile {
    /// Reads the file; a file that does not exist yet is empty.
    pub fn load(path: &Path) -> Result<StateFile, UsageError> {
        let bad = |why: String| {
            UsageError::setting_value("state-file", &path.display().to_string(), &why)
        };
        let handles = match files::read_text(path, files::SMALL_LIMIT) {
            Ok(text) if text.trim().is_empty() => BTreeMap::new(),
            Ok(text) => {
                serde_json::from_str(&text).map_err(|e| bad(format!("not a state file ({e})")))?
            }
            Err(_) if !path.exists() => BTreeMap::new(),
            Err(why) => return Err(bad(why)),
        };
        Ok(StateFile {
            path: path.to_owned(),
            handles,
        })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.handles.get(key).map(String::as_str)
    }

    pub fn set(&mut self, key: String, handle: String) {
        self.handles.insert(key, handle);
    }

    pub fn save(&self) -> Result<(), String> {
        let text = serde_json::to_string_pretty(&self.handles).expect("handles serialise");
        std::fs::write(&self.path, text + "\n").map_err(|e| files::reason(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_matched_by_format_and_used_once() {
        let mut updates = Updates::new(&[
            "discord:9".into(),
            "slack:C1/1.2".into(),
            "slack:C2/3.4".into(),
        ]);
        assert_eq!(updates.take("slack").as_deref(), Some("C1/1.2"));
        assert_eq!(updates.take("slack").as_deref(), Some("C2/3.4"));
        assert_eq!(updates.take("slack"), None);
        assert_eq!(updates.take("discord").as_deref(), Some("9"));
        assert_eq!(id_for("slackx:1", "slack"), None);
    }

    #[test]
    fn keys_are_stable_and_hide_the_url() {
        let k = key("discord", "https://discord.com/api/webhooks/1/s3cr3t");
        assert_eq!(
            k,
            key("discord", " https://discord.com/api/webhooks/1/s3cr3t ")
        );
        assert!(k.starts_with("discord-") && !k.contains("s3cr3t"));
        assert_ne!(
            k,
            key("discord", "https://discord.com/api/webhooks/2/s3cr3t")
        );
    }
}
