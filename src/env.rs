//! A snapshot of the process environment, read once.
//!
//! Variables whose name or value is not UTF-8 are left out rather than panicking, but their
//! names are kept, so that a setting among them is an error rather than silently unset. An
//! empty value reads as unset: CI systems export many variables empty.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    /// Variables that are not UTF-8, by name (lossily decoded).
    unreadable: Vec<String>,
}

impl Env {
    pub fn from_process() -> Env {
        let mut vars = BTreeMap::new();
        let mut unreadable = Vec::new();
        for (key, value) in std::env::vars_os() {
            match (key.to_str(), value.into_string()) {
                (Some(k), Ok(v)) => {
                    vars.insert(k.to_owned(), v);
                }
                _ => unreadable.push(key.to_string_lossy().into_owned()),
            }
        }
        Env { vars, unreadable }
    }

    /// The first variable of crier's own prefixes whose name or value is not UTF-8.
    pub fn unreadable_setting(&self) -> Option<&str> {
        self.unreadable
            .iter()
            .find(|k| {
                ["INPUT_", "PLUGIN_", "CRIER_"]
                    .iter()
                    .any(|p| k.starts_with(p))
            })
            .map(String::as_str)
    }

    pub fn from_pairs(pairs: &[(&str, &str)]) -> Env {
        let vars = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Env {
            vars,
            unreadable: Vec::new(),
        }
    }

    /// The value of `key`, or `None` when it is unset or empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The first of `keys` that is set.
    pub fn first(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| self.get(k))
    }

    /// True when `key` is set to `true` (any case) or `1`.
    pub fn is_true(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}
