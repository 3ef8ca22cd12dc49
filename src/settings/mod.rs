//! Settings: one kebab-case name per setting, read from the command line, `INPUT_*` (GitHub
//! Actions), `PLUGIN_*` (Drone, Woodpecker) and `CRIER_*`, in that order of precedence, over a
//! routes file's `defaults`.
//!
//! [`layer`] holds the raw layers, [`values`] checks one value, and [`Settings`] is the
//! validated result the rest of the program uses.

pub mod help;
pub mod layer;
mod merge;
pub mod values;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::env::Env;
use crate::error::UsageError;
use crate::status::{OnFilter, Status};

pub use layer::{names, Layer};
use values::split_url_list;
pub use values::{parse_bool, TemplateSource};
use values::{parse_header, parse_retries, parse_seconds, parse_vars, read_template};

/// The environment prefixes, highest precedence first.
const PREFIXES: &[&str] = &["INPUT_", "PLUGIN_", "CRIER_"];

/// The command line (`cli`) over the environment's layers, in the order of precedence.
/// Warnings (unknown `INPUT_`/`PLUGIN_` variables) are returned alongside.
pub fn read(cli: Layer, env: &Env) -> Result<(Layer, Vec<String>), UsageError> {
    let mut warnings = Vec::new();
    let mut layer = cli.normalise();
    if layer.status.as_deref().is_some_and(unevaluated) {
        warnings.push(
            "ignoring --status: it holds an unevaluated `${{ … }}` expression, which only a \
             GitHub workflow evaluates"
                .to_owned(),
        );
        layer.status = None;
    }
    // `--to A,B` is two destinations, as Drone and Woodpecker hand a YAML list over.
    layer.to = layer.to.iter().flat_map(|t| split_url_list(t)).collect();
    for prefix in PREFIXES {
        let (mut lower, unknown) = Layer::from_env(env, prefix)?;
        lower.to = lower.to.iter().flat_map(|t| split_url_list(t)).collect();
        // An action's `status` input defaults to `${{ job.status }}`; should a runner
        // ever pass the expression through unevaluated, it means "not given".
        if lower.status.as_deref().is_some_and(unevaluated) {
            warnings.push(format!(
                "ignoring {prefix}STATUS: it holds an unevaluated expression; pass `status: ${{{{ job.status }}}}` explicitly"
            ));
            lower.status = None;
        }
        layer = layer.or(lower);
        match *prefix {
            // Our own namespace: a misspelt name must not be silently ignored.
            "CRIER_" => {
                if let Some(key) = unknown.first() {
                    return Err(UsageError::new(unknown_setting(key, prefix)));
                }
            }
            _ => {
                for key in unknown {
                    warnings.push(format!("ignoring {key}: not a crier setting"));
                }
            }
        }
    }
    Ok((layer, warnings))
}

/// An icon is an `http(s)` image URL.
fn parse_icon_url(url: &str) -> Result<String, UsageError> {
    match url.starts_with("https://") || url.starts_with("http://") {
        true => Ok(url.to_owned()),
        false => Err(UsageError::setting_value(
            "icon-url",
            url,
            "expected the URL of an image, https://…",
        )),
    }
}

fn unevaluated(value: &str) -> bool {
    value.contains("${{")
}

/// `unknown setting CRIER_STAUTS; did you mean CRIER_STATUS?`, or the list of settings.
fn unknown_setting(key: &str, prefix: &str) -> String {
    let name = key[prefix.len()..].to_ascii_lowercase().replace('_', "-");
    let nearest = names()
        .into_iter()
        .map(|n| (strsim::jaro_winkler(&name, &n), n))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score > 0.85);
    match nearest {
        Some((_, n)) => format!(
            "unknown setting {key}; did you mean {prefix}{}?",
            n.to_ascii_uppercase().replace('-', "_")
        ),
        None => format!(
            "unknown setting {key}; settings are: {}",
            names().join(", ")
        ),
    }
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub to: Vec<String>,
    pub status: Option<Status>,
    /// `status: run`: the whole run's outcome, from the CI's API.
    pub status_from_run: bool,
    pub github_token: Option<String>,
    pub gitlab_token: Option<String>,
    pub on: OnFilter,
    pub event: Option<String>,
    pub title: Option<String>,
    pub message: Option<String>,
    pub template: Option<TemplateSource>,
    pub headers: Vec<(String, String)>,
    pub vars: BTreeMap<String, String>,
    pub environment: Option<String>,
    pub image: Option<String>,
    pub mention: Option<String>,
    pub username: Option<String>,
    pub icon_url: Option<String>,
    pub retries: u32,
    pub timeout: Duration,
    pub deadline: Duration,
    pub fail_on_error: bool,
    pub dry_run: bool,
    pub event_file: Option<PathBuf>,
    pub email_from: Option<String>,
    pub email_subject: Option<String>,
    pub smtp_url: Option<String>,
    pub ses_region: Option<String>,
    pub ses_endpoint: Option<String>,
    /// The routes file, if one is given.
    pub config: Option<PathBuf>,
    pub slack_token: Option<String>,
    /// Handles of earlier messages to edit.
    pub update: Vec<String>,
    pub thread: Option<String>,
    pub state_file: Option<PathBuf>,
    pub print_context: bool,
    /// Dry-run payloads indented.
    pub pretty: bool,
}

impl Settings {
    /// Merges the command line (`cli`) with the environment and validates the result. The
    /// routes file's defaults are not read here: see [`read`] and [`Settings::from_layer`].
    pub fn load(cli: Layer, env: &Env) -> Result<(Settings, Vec<String>), UsageError> {
        let (layer, warnings) = read(cli, env)?;
        Ok((Settings::from_layer(layer)?, warnings))
    }

    /// What the context takes from the settings.
    pub fn given(&self) -> crate::context::Given {
        crate::context::Given {
            status: self.status,
            event: self.event.clone(),
            environment: self.environment.clone(),
            image: self.image.clone(),
            mention: self.mention.clone(),
            username: self.username.clone(),
            icon_url: self.icon_url.clone(),
            vars: self.vars.clone(),
            event_file: self.event_file.clone(),
        }
    }

    pub fn from_layer(layer: Layer) -> Result<Settings, UsageError> {
        // `status: run` is the whole run's outcome, read from the CI's API.
        let from_run = layer.status.as_deref().is_some_and(|s| {
            matches!(
                s.trim().to_ascii_lowercase().as_str(),
                "run" | "workflow" | "pipeline"
            )
        });
        let status = layer
            .status
            .as_deref()
            .filter(|_| !from_run)
            .map(|s| {
                Status::parse(s).ok_or_else(|| {
                    UsageError::setting_value(
                        "status",
                        s,
                        "expected started, success, failure, cancelled, skipped, or run",
                    )
                })
            })
            .transpose()?;
        let on = match layer.on.as_deref() {
            Some(text) => OnFilter::parse(text).map_err(|bad| {
                UsageError::setting_value(
                    "on",
                    &bad,
                    "expected always, finished, problems, a status, or fixed, broken, still-failing, changes",
                )
            })?,
            None => OnFilter::always(),
        };
        let dry_run =
            parse_bool("dry-run", layer.dry_run.as_deref(), false)? || layer.print_payload;
        Ok(Settings {
            to: layer.to,
            status,
            status_from_run: from_run,
            github_token: layer.github_token.map(|t| t.trim().to_owned()),
            gitlab_token: layer.gitlab_token.map(|t| t.trim().to_owned()),
            on,
            event: layer.event.map(|e| e.trim().to_owned()),
            title: layer.title,
            message: layer.message,
            template: layer.template.as_deref().map(read_template).transpose()?,
            headers: layer
                .headers
                .iter()
                .map(|h| parse_header(h))
                .collect::<Result<_, _>>()?,
            vars: parse_vars(&layer.vars)?,
            environment: layer.environment.map(|e| e.trim().to_owned()),
            image: layer.image.map(|e| e.trim().to_owned()),
            mention: layer.mention.map(|e| e.trim().to_owned()),
            username: layer.username.map(|e| e.trim().to_owned()),
            icon_url: layer
                .icon_url
                .map(|u| parse_icon_url(u.trim()))
                .transpose()?,
            retries: parse_retries(layer.retries.as_deref())?,
            timeout: parse_seconds("timeout", layer.timeout.as_deref(), 10.0)?,
            deadline: parse_seconds("deadline", layer.deadline.as_deref(), 60.0)?,
            fail_on_error: parse_bool("fail-on-error", layer.fail_on_error.as_deref(), true)?,
            dry_run,
            event_file: layer.event_file.map(PathBuf::from),
            email_from: layer.email_from,
            email_subject: layer.email_subject,
            smtp_url: layer.smtp_url.map(|u| u.trim().to_owned()),
            ses_region: layer.ses_region,
            ses_endpoint: layer.ses_endpoint.map(|e| e.trim().to_owned()),
            config: layer.config.map(|p| PathBuf::from(p.trim())),
            slack_token: layer.slack_token.map(|t| t.trim().to_owned()),
            update: layer.update,
            thread: layer.thread.map(|t| t.trim().to_owned()),
            state_file: layer.state_file.map(|p| PathBuf::from(p.trim())),
            print_context: layer.print_context,
            pretty: layer.pretty,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn cli(args: &[&str]) -> Layer {
        Layer::try_parse_from(std::iter::once(&"crier").chain(args)).unwrap()
    }

    fn load(args: &[&str], env: &[(&str, &str)]) -> Result<Settings, UsageError> {
        Settings::load(cli(args), &Env::from_pairs(env)).map(|(s, _)| s)
    }

    #[test]
    fn precedence_is_cli_input_plugin_crier() {
        let env = [
            ("INPUT_RETRIES", "1"),
            ("PLUGIN_RETRIES", "2"),
            ("CRIER_RETRIES", "3"),
        ];
        assert_eq!(load(&["--retries", "0"], &env).unwrap().retries, 0);
        assert_eq!(load(&[], &env).unwrap().retries, 1);
        assert_eq!(load(&[], &env[1..]).unwrap().retries, 2);
        assert_eq!(load(&[], &env[2..]).unwrap().retries, 3);
        assert_eq!(load(&[], &[]).unwrap().retries, 3);
    }

    #[test]
    fn input_keeps_hyphens_and_plugin_uses_underscores() {
        let s = load(&[], &[("INPUT_FAIL-ON-ERROR", "false")]).unwrap();
        assert!(!s.fail_on_error);
        let s = load(&[], &[("PLUGIN_FAIL_ON_ERROR", "no")]).unwrap();
        assert!(!s.fail_on_error);
        let s = load(&[], &[("CRIER_FAIL_ON_ERROR", "0")]).unwrap();
        assert!(!s.fail_on_error);
    }

    #[test]
    fn empty_values_count_as_unset() {
        let env = [
            ("INPUT_RETRIES", ""),
            ("CRIER_RETRIES", "5"),
            ("INPUT_TO", ""),
        ];
        let s = load(&[], &env).unwrap();
        assert_eq!(s.retries, 5);
        assert!(s.to.is_empty());
        let s = load(&["--retries", ""], &[("CRIER_RETRIES", "4")]).unwrap();
        assert_eq!(s.retries, 4);
    }

    #[test]
    fn lists_from_the_environment_hold_one_item_per_line() {
        let env = [
            (
                "INPUT_TO",
                "https://a.example/x\n\n  https://b.example/y  \n",
            ),
            ("INPUT_HEADERS", "X-One: 1\nX-Two: two: more"),
            ("INPUT_VARS", "team=platform\nempty="),
        ];
        let s = load(&[], &env).unwrap();
        assert_eq!(s.to, ["https://a.example/x", "https://b.example/y"]);
        assert_eq!(
            s.headers,
            [
                ("X-One".to_owned(), "1".to_owned()),
                ("X-Two".to_owned(), "two: more".to_owned())
            ]
        );
        assert_eq!(s.vars["team"], "platform");
        assert_eq!(s.vars["empty"], "");
    }

    #[test]
    fn bad_values_name_the_setting_and_the_value() {
        for (args, setting, value) in [
            (vec!["--retries", "many"], "retries", "many"),
            (vec!["--retries", "-1"], "retries", "-1"),
            (vec!["--timeout", "0"], "timeout", "0"),
            (vec!["--deadline", "NaN"], "deadline", "NaN"),
            (
                vec!["--fail-on-error", "perhaps"],
                "fail-on-error",
                "perhaps",
            ),
            (vec!["--status", "exploded"], "status", "exploded"),
            (vec!["--on", "finished,sometimes"], "on", "sometimes"),
            (vec!["--headers", "NoColon"], "headers", "NoColon"),
            (vec!["--headers", "Bad Name: x"], "headers", "Bad Name"),
            (vec!["--vars", "novalue"], "vars", "novalue"),
            (
                vec!["--template", "/nonexistent/t.json"],
                "template",
                "/nonexistent/t.json",
            ),
        ] {
            let err = load(&args, &[]).unwrap_err().to_string();
            assert!(err.contains(setting), "{err:?} should name {setting}");
            assert!(err.contains(value), "{err:?} should name {value}");
        }
    }

    #[test]
    fn unknown_crier_variable_is_an_error_and_unknown_input_a_warning() {
        let err = load(&[], &[("CRIER_RETRYS", "2")]).unwrap_err().to_string();
        assert!(err.contains("CRIER_RETRYS"), "{err}");
        let (_, warnings) =
            Settings::load(cli(&[]), &Env::from_pairs(&[("INPUT_WEBHOOK", "x")])).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("INPUT_WEBHOOK"));
    }

    #[test]
    fn an_unevaluated_status_expression_counts_as_unset() {
        let s = load(
            &[],
            &[
                ("INPUT_STATUS", "${{ job.status }}"),
                ("CRIER_STATUS", "failure"),
            ],
        );
        assert_eq!(s.unwrap().status, Some(Status::Failure));
    }

    #[test]
    fn plugin_lists_are_split_before_each_url() {
        let list = "https://a.example/x?q=1,2,mailto:a@example.com,b@example.com,slack+https://c/d";
        let s = load(&[], &[("PLUGIN_TO", list)]).unwrap();
        assert_eq!(
            s.to,
            [
                "https://a.example/x?q=1,2",
                "mailto:a@example.com,b@example.com",
                "slack+https://c/d"
            ]
        );
    }

    #[test]
    fn booleans_accept_the_documented_spellings() {
        for (text, expected) in [
            ("true", true),
            ("YES", true),
            ("1", true),
            ("false", false),
            ("No", false),
            ("0", false),
        ] {
            assert_eq!(parse_bool("x", Some(text), !expected).unwrap(), expected);
        }
        assert!(load(&["--dry-run"], &[]).unwrap().dry_run);
        assert!(load(&["--print-payload"], &[]).unwrap().dry_run);
    }

    #[test]
    fn durations_accept_fractions() {
        let s = load(&["--timeout", "0.5", "--deadline", "2"], &[]).unwrap();
        assert_eq!(s.timeout, Duration::from_millis(500));
        assert_eq!(s.deadline, Duration::from_secs(2));
    }

    #[test]
    fn every_setting_of_the_contract_is_declared() {
        let names = names();
        for name in [
            "to",
            "status",
            "on",
            "event",
            "title",
            "message",
            "template",
            "headers",
            "vars",
            "environment",
            "image",
            "mention",
            "retries",
            "timeout",
            "deadline",
            "fail-on-error",
            "dry-run",
            "event-file",
            "email-from",
            "email-subject",
            "smtp-url",
            "ses-region",
            "ses-endpoint",
            "config",
            "slack-token",
            "update",
            "thread",
            "state-file",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} missing");
        }
    }
}
