//! Settings: one kebab-case name per setting, read from the command line, `INPUT_*` (GitHub
//! Actions), `PLUGIN_*` (Drone, Woodpecker) and `CRIER_*`, in that order of precedence.
//!
//! [`Layer`] declares every setting once. clap fills it from the command line and envy fills
//! it from each environment prefix; layers are merged field by field, and [`Settings`] is the
//! validated result the rest of the program uses.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use clap::{CommandFactory, Parser};
use serde::{Deserialize, Deserializer, Serialize};

use crate::env::Env;
use crate::error::UsageError;
use crate::status::{OnFilter, Status};

/// Every setting, as typed by a user. Values are kept as text here; [`Settings::from_layer`]
/// parses and checks them, so the message for a bad value is the same on every surface.
#[derive(Parser, Deserialize, Serialize, Default, Debug, Clone)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[command(
    name = "crier",
    version,
    about = "Town Crier: tell Slack, Teams, Discord, Google Chat, e-mail, Pushover, IRC or any webhook what your pipeline did.",
    after_help = "Every setting can also be given as INPUT_NAME (GitHub Actions, hyphens kept), \
PLUGIN_NAME (Drone, Woodpecker) or CRIER_NAME (anywhere), NAME upper-cased; for PLUGIN_ and \
CRIER_ hyphens become underscores. Precedence: command line, INPUT_, PLUGIN_, CRIER_. Through \
the environment, list settings hold one item per line.\n\nExit status: 0 sent (or nothing to \
send), 1 a destination failed, 2 usage, configuration or template error (nothing sent)."
)]
pub struct Layer {
    /// Destination URL; repeat for several (slack, webhook, FORMAT+URL, ...)
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "lines")]
    pub to: Vec<String>,

    /// started, success, failure, cancelled, skipped (or an alias such as failed, canceled)
    #[arg(long, value_name = "STATUS", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,

    /// Statuses to notify on: always, finished, problems, or a list of statuses
    #[arg(long, value_name = "STATUSES", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub on: Option<String>,

    /// What happened: build, deploy, release, or another word
    #[arg(long, value_name = "EVENT", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub event: Option<String>,

    /// Headline, a handlebars text template
    #[arg(long, value_name = "TEMPLATE", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub title: Option<String>,

    /// Body text, a handlebars text template
    #[arg(long, value_name = "TEMPLATE", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub message: Option<String>,

    /// Payload template for HTTP destinations: a file path, or inline text starting with `{`
    #[arg(long, value_name = "FILE|JSON", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub template: Option<String>,

    /// Extra HTTP header `Name: value`; repeat for several
    #[arg(long = "headers", value_name = "HEADER", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "lines")]
    pub headers: Vec<String>,

    /// Extra template variable `key=value`, used as {{vars.key}}; repeat for several
    #[arg(long = "vars", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "lines")]
    pub vars: Vec<String>,

    /// Deployment environment name
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub environment: Option<String>,

    /// Container image built or deployed, repo:tag
    #[arg(long, value_name = "REPO:TAG", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub image: Option<String>,

    /// Who to alert when the status is failure (e.g. <@U123> for Slack)
    #[arg(long, value_name = "HANDLE", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub mention: Option<String>,

    /// Extra attempts per destination after the first [default: 3]
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub retries: Option<String>,

    /// Seconds for one attempt, connect and response [default: 10]
    #[arg(long, value_name = "SECONDS", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub timeout: Option<String>,

    /// Seconds for all attempts of one destination, waits included [default: 60]
    #[arg(long, value_name = "SECONDS", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub deadline: Option<String>,

    /// Exit 1 when a destination failed; false turns failures into warnings [default: true]
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    #[serde(default, deserialize_with = "text")]
    pub fail_on_error: Option<String>,

    /// Render and print the payloads instead of sending them [default: false]
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    #[serde(default, deserialize_with = "text")]
    pub dry_run: Option<String>,

    /// CI event JSON to read [default: $GITHUB_EVENT_PATH]
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub event_file: Option<String>,

    /// Sender address for e-mail
    #[arg(long, value_name = "ADDRESS", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub email_from: Option<String>,

    /// E-mail subject, a handlebars text template [default: the title]
    #[arg(long, value_name = "TEMPLATE", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub email_subject: Option<String>,

    /// SMTP server, smtp://[user[:password]@]host[:port] or smtps://...
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub smtp_url: Option<String>,

    /// Send e-mail through Amazon SES in this region
    #[arg(long, value_name = "REGION", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub ses_region: Option<String>,

    /// host:port to use instead of SES's public SMTP endpoint
    #[arg(long, value_name = "HOST:PORT", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub ses_endpoint: Option<String>,

    /// Routes file (YAML)
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub config: Option<String>,

    /// Slack bot token, for slack://CHANNEL destinations
    #[arg(long, value_name = "TOKEN", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub slack_token: Option<String>,

    /// Message handle(s) from an earlier post, to edit that message
    #[arg(long, value_name = "HANDLE", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "lines")]
    pub update: Vec<String>,

    /// Message handle to reply under (Slack thread, Discord thread)
    #[arg(long, value_name = "HANDLE", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub thread: Option<String>,

    /// File where message handles are kept between steps of one job
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    #[serde(default, deserialize_with = "text")]
    pub state_file: Option<String>,

    /// Print each payload exactly as it would be sent, and send nothing
    #[arg(long)]
    #[serde(skip)]
    pub print_payload: bool,

    /// Print the template context as JSON, and send nothing
    #[arg(long)]
    #[serde(skip)]
    pub print_context: bool,
}

/// The environment prefixes, highest precedence first.
const PREFIXES: &[&str] = &["INPUT_", "PLUGIN_", "CRIER_"];

/// An environment value: empty means unset (GitHub exports every declared input).
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<String>::deserialize(d)?;
    Ok(value.filter(|v| !v.trim().is_empty()))
}

/// A list setting: from the environment one item per line (blank lines dropped), or a list
/// when layers are merged.
fn lines<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Lines {
        Text(String),
        List(Vec<String>),
    }
    Ok(match Option::<Lines>::deserialize(d)? {
        None => Vec::new(),
        Some(Lines::Text(text)) => split_lines(&text),
        Some(Lines::List(items)) => items.iter().flat_map(|i| split_lines(i)).collect(),
    })
}

/// `url1,url2` as two URLs: a comma starts a new item only where a URL scheme follows, so
/// `mailto:a@x,b@x` stays one.
fn split_url_list(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    for (i, piece) in value.split(',').enumerate() {
        let starts_url = piece
            .trim_start()
            .split_once(':')
            .is_some_and(|(scheme, _)| {
                scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            });
        if i > 0 && !starts_url {
            current.push(',');
        } else if i > 0 {
            items.push(std::mem::take(&mut current));
        }
        current.push_str(piece);
    }
    items.push(current);
    items
        .into_iter()
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty())
        .collect()
}

fn split_lines(value: &str) -> Vec<String> {
    value
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The kebab-case names of all settings, as clap knows them.
pub fn names() -> Vec<String> {
    Layer::command()
        .get_arguments()
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
        .filter_map(|a| a.get_long().map(str::to_owned))
        .filter(|n| n != "print-payload" && n != "print-context")
        .collect()
}

impl Layer {
    /// Reads one environment prefix. Keys are normalised to kebab-case, so `INPUT_FAIL-ON-ERROR`
    /// and `PLUGIN_FAIL_ON_ERROR` both name `fail-on-error`. Unknown keys are returned so the
    /// caller can decide what they mean.
    fn from_env(env: &Env, prefix: &str) -> Result<(Layer, Vec<String>), UsageError> {
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
    fn or(self, lower: Layer) -> Layer {
        let (print_payload, print_context) = (self.print_payload, self.print_context);
        let upper = serde_json::to_value(self).expect("settings serialise");
        let lower = serde_json::to_value(lower).expect("settings serialise");
        let (serde_json::Value::Object(mut upper), serde_json::Value::Object(lower)) =
            (upper, lower)
        else {
            unreachable!("a struct serialises to an object")
        };
        for (key, value) in lower {
            let unset = match upper.get(&key) {
                None | Some(serde_json::Value::Null) => true,
                Some(serde_json::Value::Array(items)) => items.is_empty(),
                Some(_) => false,
            };
            if unset {
                upper.insert(key, value);
            }
        }
        let mut merged: Layer = serde_json::from_value(upper.into()).expect("settings deserialise");
        merged.print_payload = print_payload;
        merged.print_context = print_context;
        merged
    }

    /// The command-line layer: clap leaves empty strings as given, so they are dropped here
    /// to mean "unset" as they do in the environment (and list items are split on lines).
    fn normalise(self) -> Layer {
        let value = serde_json::to_value(&self).expect("settings serialise");
        let (print_payload, print_context) = (self.print_payload, self.print_context);
        let mut merged: Layer = serde_json::from_value(value).expect("settings deserialise");
        merged.print_payload = print_payload;
        merged.print_context = print_context;
        merged
    }
}

/// What happens to notifications whose settings name a payload template.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Shown in error messages: the file path, or "inline template".
    pub name: String,
    pub text: String,
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub to: Vec<String>,
    pub status: Option<Status>,
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
    /// The routes of the `config` file, if one is given.
    pub routes: Vec<crate::routes::Route>,
    pub slack_token: Option<String>,
    /// Handles of earlier messages to edit.
    pub update: Vec<String>,
    pub thread: Option<String>,
    pub state_file: Option<PathBuf>,
    pub print_context: bool,
}

/// Largest number of retries accepted: more would only hide a broken destination.
const MAX_RETRIES: u32 = 100;
/// Longest duration accepted for `timeout` and `deadline`: one day.
const MAX_SECONDS: f64 = 86_400.0;

impl Settings {
    /// Merges the command line (`cli`) with the environment. Warnings (unknown `INPUT_`/`PLUGIN_`
    /// variables) are returned alongside.
    pub fn load(cli: Layer, env: &Env) -> Result<(Settings, Vec<String>), UsageError> {
        let mut warnings = Vec::new();
        let mut layer = cli.normalise();
        for prefix in PREFIXES {
            let (mut lower, unknown) = Layer::from_env(env, prefix)?;
            if *prefix == "PLUGIN_" {
                // Drone and Woodpecker hand a YAML list over as `a,b,c`.
                lower.to = lower.to.iter().flat_map(|t| split_url_list(t)).collect();
            }
            layer = layer.or(lower);
            // An action's `status` input defaults to `${{ job.status }}`; should a runner
            // ever pass the expression through unevaluated, it means "not given".
            if layer.status.as_deref().is_some_and(|s| s.contains("${{")) {
                warnings.push(format!(
                    "ignoring {prefix}STATUS: it holds an unevaluated expression; pass `status: ${{{{ job.status }}}}` explicitly"
                ));
                layer.status = None;
            }
            match *prefix {
                // Our own namespace: a misspelt name must not be silently ignored.
                "CRIER_" => {
                    if let Some(key) = unknown.first() {
                        return Err(UsageError::new(format!(
                            "unknown setting {key}; settings are: {}",
                            names().join(", ")
                        )));
                    }
                }
                _ => {
                    for key in unknown {
                        warnings.push(format!("ignoring {key}: not a crier setting"));
                    }
                }
            }
        }
        // The routes file's defaults come under every other layer.
        let routes = match layer.config.as_deref() {
            Some(path) => {
                let routes = crate::routes::load(std::path::Path::new(path.trim()), env)?;
                layer = layer.or(routes.defaults);
                routes.routes
            }
            None => Vec::new(),
        };
        let mut settings = Settings::from_layer(layer)?;
        settings.routes = routes;
        Ok((settings, warnings))
    }

    pub fn from_layer(layer: Layer) -> Result<Settings, UsageError> {
        let status = layer
            .status
            .as_deref()
            .map(|s| {
                Status::parse(s).ok_or_else(|| {
                    UsageError::setting_value(
                        "status",
                        s,
                        "expected started, success, failure, cancelled or skipped",
                    )
                })
            })
            .transpose()?;
        let on = match layer.on.as_deref() {
            Some(text) => OnFilter::parse(text).map_err(|bad| {
                UsageError::setting_value(
                    "on",
                    &bad,
                    "expected always, finished, problems or a status",
                )
            })?,
            None => OnFilter::always(),
        };
        let dry_run =
            parse_bool("dry-run", layer.dry_run.as_deref(), false)? || layer.print_payload;
        Ok(Settings {
            to: layer.to,
            status,
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
            routes: Vec::new(),
            slack_token: layer.slack_token.map(|t| t.trim().to_owned()),
            update: layer.update,
            thread: layer.thread.map(|t| t.trim().to_owned()),
            state_file: layer.state_file.map(|p| PathBuf::from(p.trim())),
            print_context: layer.print_context,
        })
    }
}

pub fn parse_bool(name: &str, value: Option<&str>, default: bool) -> Result<bool, UsageError> {
    let Some(value) = value else {
        return Ok(default);
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Ok(true),
        "false" | "no" | "0" | "off" => Ok(false),
        _ => Err(UsageError::setting_value(
            name,
            value,
            "expected true/false, yes/no or 1/0",
        )),
    }
}

fn parse_retries(value: Option<&str>) -> Result<u32, UsageError> {
    let Some(value) = value else {
        return Ok(3);
    };
    match value.trim().parse::<u32>() {
        Ok(n) if n <= MAX_RETRIES => Ok(n),
        _ => Err(UsageError::setting_value(
            "retries",
            value,
            &format!("expected a whole number from 0 to {MAX_RETRIES}"),
        )),
    }
}

fn parse_seconds(name: &str, value: Option<&str>, default: f64) -> Result<Duration, UsageError> {
    let seconds = match value {
        None => default,
        Some(text) => match text.trim().parse::<f64>() {
            Ok(s) if s.is_finite() && s > 0.0 && s <= MAX_SECONDS => s,
            _ => {
                return Err(UsageError::setting_value(
                    name,
                    text,
                    &format!("expected a number of seconds greater than 0, at most {MAX_SECONDS}"),
                ))
            }
        },
    };
    Ok(Duration::from_secs_f64(seconds))
}

/// `Name: value`. The name must be an HTTP token, so a header cannot smuggle a line break.
pub(crate) fn parse_header(line: &str) -> Result<(String, String), UsageError> {
    let shown = crate::redact::header_for_display(line);
    let Some((name, value)) = line.split_once(':') else {
        return Err(UsageError::setting_value(
            "headers",
            &shown,
            "expected `Name: value`",
        ));
    };
    let name = name.trim();
    let is_token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !is_token {
        return Err(UsageError::setting_value(
            "headers",
            &shown,
            "the header name may hold only letters, digits and !#$%&'*+-.^_`|~",
        ));
    }
    let value = value.trim();
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(UsageError::setting_value(
            "headers",
            &shown,
            "the header value may not hold control characters",
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
}

pub(crate) fn parse_vars(lines: &[String]) -> Result<BTreeMap<String, String>, UsageError> {
    let mut vars = BTreeMap::new();
    for line in lines {
        let Some((key, value)) = line.split_once('=') else {
            return Err(UsageError::setting_value(
                "vars",
                line,
                "expected `key=value`",
            ));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(UsageError::setting_value(
                "vars",
                line,
                "the key before `=` is empty",
            ));
        }
        vars.insert(key.to_owned(), value.trim().to_owned());
    }
    Ok(vars)
}

/// `template` is inline JSON when it starts with `{` (or `[`), otherwise a file path.
pub(crate) fn read_template(value: &str) -> Result<TemplateSource, UsageError> {
    let trimmed = value.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Ok(TemplateSource {
            name: "inline template".into(),
            text: value.to_owned(),
        });
    }
    let path = value.trim();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(TemplateSource {
            name: path.to_owned(),
            text,
        }),
        Err(e) => Err(UsageError::setting_value(
            "template",
            path,
            &format!("cannot read the file: {}", crate::error::io_reason(&e)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
