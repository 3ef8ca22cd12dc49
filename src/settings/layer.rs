//! The raw layers of settings: the command line, `INPUT_*`, `PLUGIN_*`, `CRIER_*` and a
//! routes file's `defaults`, each a [`Layer`] of text as the user typed it. Layers are merged
//! field by field, higher over lower; [`super::Settings`] is what validating the result gives.

use clap::{CommandFactory, Parser};
use serde::{Deserialize, Deserializer, Serialize};

use super::values::split_lines;

/// Every setting, as typed by a user. Values are kept as text here; [`Settings::from_layer`]
/// parses and checks them, so the message for a bad value is the same on every surface.
#[derive(Parser, Deserialize, Serialize, Default, Debug, Clone)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[command(
    name = "crier",
    version,
    about = "Town Crier: tell Slack, Teams, Discord, Google Chat, e-mail, Pushover, IRC or any webhook what your pipeline did.",
    after_help = super::help::EXAMPLES,
    after_long_help = super::help::ENVIRONMENT
)]
pub struct Layer {
    /// Destination URL; repeat for several (slack, webhook, FORMAT+URL, ...)
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "URL",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "lines")]
    pub to: Vec<String>,

    /// started, success, failure, cancelled, skipped (or an alias such as failed), or run: the whole run's outcome
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "STATUS",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,

    /// Statuses to notify on: always, finished, problems, statuses, and changes: fixed, broken, still-failing, changes
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "STATUSES",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub on: Option<String>,

    /// What happened: build, deploy, release, or another word
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "EVENT",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub event: Option<String>,

    /// Headline, a handlebars text template
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "TEMPLATE",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub title: Option<String>,

    /// Body text, a handlebars text template
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "TEMPLATE",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub message: Option<String>,

    /// Payload template for HTTP destinations: a file path, or inline text starting with `{`
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "FILE|JSON",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub template: Option<String>,

    /// Extra HTTP header `Name: value`; repeat for several
    #[arg(
        help_heading = "Destinations and message",
        long = "headers",
        value_name = "HEADER",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "lines")]
    pub headers: Vec<String>,

    /// Extra template variable `key=value`, used as {{vars.key}}; repeat for several
    #[arg(
        help_heading = "Destinations and message",
        long = "vars",
        value_name = "KEY=VALUE",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "lines")]
    pub vars: Vec<String>,

    /// Deployment environment name
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "NAME",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub environment: Option<String>,

    /// Container image built or deployed, repo:tag
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "REPO:TAG",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub image: Option<String>,

    /// The sender's display name, where the destination lets it be set (Slack, Discord, Mattermost)
    #[arg(
        long,
        help_heading = "Destinations and message",
        value_name = "NAME",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub username: Option<String>,

    /// The sender's icon, an image URL, where the destination lets it be set
    #[arg(
        long,
        help_heading = "Destinations and message",
        value_name = "URL",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub icon_url: Option<String>,

    /// Who to alert when the status is failure (e.g. <@U123> for Slack)
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "HANDLE",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub mention: Option<String>,

    /// Extra attempts per destination after the first [default: 3]
    #[arg(
        help_heading = "Delivery",
        long,
        value_name = "N",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub retries: Option<String>,

    /// Seconds for one attempt, connect and response [default: 10]
    #[arg(
        help_heading = "Delivery",
        long,
        value_name = "SECONDS",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub timeout: Option<String>,

    /// Seconds for all attempts of one destination, waits included [default: 60]
    #[arg(
        help_heading = "Delivery",
        long,
        value_name = "SECONDS",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub deadline: Option<String>,

    /// Exit 1 when a destination failed; false turns failures into warnings [default: true]
    #[arg(help_heading = "Delivery", long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    #[serde(default, deserialize_with = "text")]
    pub fail_on_error: Option<String>,

    /// Render and print the payloads instead of sending them [default: false]
    #[arg(help_heading = "Output", long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    #[serde(default, deserialize_with = "text")]
    pub dry_run: Option<String>,

    /// CI event JSON to read [default: $GITHUB_EVENT_PATH]
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "FILE",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub event_file: Option<String>,

    /// Sender address for e-mail
    #[arg(
        help_heading = "E-mail",
        long,
        value_name = "ADDRESS",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub email_from: Option<String>,

    /// E-mail subject, a handlebars text template [default: the title]
    #[arg(
        help_heading = "E-mail",
        long,
        value_name = "TEMPLATE",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub email_subject: Option<String>,

    /// SMTP server, smtp://[user[:password]@]host[:port] or smtps://...
    #[arg(
        help_heading = "E-mail",
        long,
        value_name = "URL",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub smtp_url: Option<String>,

    /// Send e-mail through Amazon SES in this region
    #[arg(
        help_heading = "E-mail",
        long,
        value_name = "REGION",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub ses_region: Option<String>,

    /// host:port to use instead of SES's public SMTP endpoint
    #[arg(
        help_heading = "E-mail",
        long,
        value_name = "HOST:PORT",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub ses_endpoint: Option<String>,

    /// Token for GitHub's API, to read the run's jobs and history (status: run, on: changes)
    #[arg(
        long,
        help_heading = "The run's history",
        value_name = "TOKEN",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub github_token: Option<String>,

    /// Token for GitLab's API (read_api), to read the pipeline's jobs and history
    #[arg(
        long,
        help_heading = "The run's history",
        value_name = "TOKEN",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub gitlab_token: Option<String>,

    /// Routes file (YAML)
    #[arg(
        help_heading = "Destinations and message",
        long,
        value_name = "FILE",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub config: Option<String>,

    /// Slack bot token, for slack://CHANNEL destinations
    #[arg(
        help_heading = "Slack API and message updates",
        long,
        value_name = "TOKEN",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub slack_token: Option<String>,

    /// Message handle(s) from an earlier post, to edit that message
    #[arg(
        help_heading = "Slack API and message updates",
        long,
        value_name = "HANDLE",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "lines")]
    pub update: Vec<String>,

    /// Message handle to reply under (Slack thread, Discord thread)
    #[arg(
        help_heading = "Slack API and message updates",
        long,
        value_name = "HANDLE",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub thread: Option<String>,

    /// File where message handles are kept between steps of one job
    #[arg(
        help_heading = "Slack API and message updates",
        long,
        value_name = "FILE",
        allow_hyphen_values = true
    )]
    #[serde(default, deserialize_with = "text")]
    pub state_file: Option<String>,

    /// Print each payload exactly as it would be sent, and send nothing
    #[arg(help_heading = "Output", long)]
    #[serde(skip)]
    pub print_payload: bool,

    /// With --print-payload: print each JSON payload indented, not on one line
    #[arg(long, help_heading = "Output")]
    #[serde(skip)]
    pub pretty: bool,

    /// Print the template context as JSON, and send nothing
    #[arg(help_heading = "Output", long)]
    #[serde(skip)]
    pub print_context: bool,

    /// Destinations given without --to, as Apprise takes them
    #[arg(value_name = "URL", allow_hyphen_values = false)]
    #[serde(skip)]
    pub urls: Vec<String>,
}

/// An environment value: empty means unset (GitHub exports every declared input).
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<String>::deserialize(d)?;
    Ok(value.filter(|v| !v.trim().is_empty()))
}

/// A list setting: from the environment one item per line (blank lines dropped), or a list
/// (a routes file's defaults).
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

/// The kebab-case names of all settings, as clap knows them.
pub fn names() -> Vec<String> {
    Layer::command()
        .get_arguments()
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
        .filter_map(|a| a.get_long().map(str::to_owned))
        .filter(|n| !matches!(n.as_str(), "print-payload" | "print-context" | "pretty"))
        .collect()
}

/// Settings whose values are credentials: never quoted in a message.
pub const SECRET_SETTINGS: &[&str] = &[
    "to",
    "headers",
    "smtp-url",
    "slack-token",
    "github-token",
    "gitlab-token",
];
