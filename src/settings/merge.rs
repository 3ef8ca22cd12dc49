//! Reading a layer from one environment prefix, and merging layers field by field.

use super::layer::{names, Layer};
use super::values::split_lines;
use crate::env::Env;
use crate::error::UsageError;

/// Calls `$m!` with every field of [`Layer`]: the text ones, then the lists.
macro_rules! each_field {
    ($m:ident) => {
        $m!(
            text: status, on, event, title, message, template, environment, image, mention,
                username, icon_url,
                retries, timeout, deadline, fail_on_error, dry_run, event_file, email_from,
                email_subject, smtp_url, ses_region, ses_endpoint, config, slack_token, thread,
                state_file, github_token, gitlab_token;
            list: to, headers, vars, update
        )
    };
}

impl Layer {
    /// Reads one environment prefix. Keys are normalised to kebab-case, so `INPUT_FAIL-ON-ERROR`
    /// and `PLUGIN_FAIL_ON_ERROR` both name `fail-on-error`. Unknown keys are returned so the
    /// caller can decide what they mean.
    pub fn from_env(env: &Env, prefix: &str) -> Result<(Layer, Vec<String>), UsageError> {
        let known = names();
        let mut unknown = Vec::new();
        let mut pairs = Vec::new();
        for (key, value) in env.iter() {
            let Some(rest) = key.strip_prefix(prefix) else {
                continue;
            };
            let name = rest.to_ascii_lowercase().replace('_', "-");
            if known.contains(&name) {
                pairs.push((name, value.to_owned()));
            } else {
                unknown.push(key.to_owned());
            }
        }
        let layer = envy::from_iter(pairs)
            .map_err(|e| UsageError::new(format!("cannot read {prefix}* settings: {e}")))?;
        Ok((layer, unknown))
    }

    /// Fills every unset field of `self` from `lower`.
    pub fn or(mut self, lower: Layer) -> Layer {
        macro_rules! fill {
            (text: $($t:ident),*; list: $($l:ident),*) => {
                $( if self.$t.is_none() { self.$t = lower.$t; } )*
                $( if self.$l.is_empty() { self.$l = lower.$l; } )*
            };
        }
        each_field!(fill);
        self
    }

    /// The command-line layer: clap leaves empty strings as given, so they are dropped here
    /// to mean "unset" as they do in the environment, list items are split on lines, and
    /// URLs given without `--to` join `to`.
    pub fn normalise(mut self) -> Layer {
        macro_rules! clean {
            (text: $($t:ident),*; list: $($l:ident),*) => {
                $( self.$t = self.$t.filter(|v| !v.trim().is_empty()); )*
                $( self.$l = self.$l.iter().flat_map(|v| split_lines(v)).collect(); )*
            };
        }
        each_field!(clean);
        let urls = std::mem::take(&mut self.urls);
        self.to.extend(urls.iter().flat_map(|v| split_lines(v)));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_merged() {
        let env: Vec<(String, String)> = names()
            .iter()
            .map(|n| {
                (
                    format!("CRIER_{}", n.to_uppercase().replace('-', "_")),
                    "x".into(),
                )
            })
            .collect();
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (lower, unknown) = Layer::from_env(&Env::from_pairs(&pairs), "CRIER_").unwrap();
        assert!(unknown.is_empty());
        let merged = serde_json::to_value(Layer::default().or(lower)).unwrap();
        for name in names() {
            let value = &merged[&name];
            assert!(
                value == "x" || value == &serde_json::json!(["x"]),
                "{name} was not merged: {value}"
            );
        }
    }
}
