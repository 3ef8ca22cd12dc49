//! The command line: clap's parser over [`Layer`], with the registry's services in `--help`;
//! and the secrets in the raw arguments and environment, registered before anything is parsed
//! so that no message, clap's own included, can show one.

use clap::{CommandFactory, FromArgMatches};

use crate::env::Env;
use crate::error::UsageError;
use crate::redact::{self, Redactor};
use crate::services::SERVICES;
use crate::settings::Layer;

/// What the command line asks for.
pub enum Asked {
    Run(Box<Layer>),
    /// Help or the version: this text, on stdout.
    Show(String),
}

/// The command, its help listing every service.
pub fn command() -> clap::Command {
    let mut destinations = String::from("Destinations (URL forms; FORMAT+URL forces a format):\n");
    for service in SERVICES {
        let spec = service.spec();
        destinations.push_str(&format!("  {:<12} {}\n", spec.name, spec.about));
        for form in spec.forms {
            destinations.push_str(&format!("  {:<12}   {form}\n", ""));
        }
    }
    destinations.push_str(
        "Apprise's and shoutrrr's URLs (tgram://, mailto://, workflows://, teams://, smtp://, …) \
         are read as those tools mean them; a form that names several targets is one \
         destination per target.\n",
    );
    Layer::command().after_long_help(format!(
        "{}\n\n{destinations}\n{}",
        crate::settings::help::EXAMPLES,
        crate::settings::help::ENVIRONMENT
    ))
}

pub fn parse(args: &[String]) -> Result<Asked, UsageError> {
    let matches = match command().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            return Ok(Asked::Show(e.to_string()))
        }
        Err(e) => return Err(UsageError::from_clap(e)),
    };
    Layer::from_arg_matches(&matches)
        .map(|layer| Asked::Run(Box::new(layer)))
        .map_err(UsageError::from_clap)
}

/// Flags whose value is a credential, and how to register it.
const SECRET_FLAGS: &[&str] = &[
    "--to",
    "--smtp-url",
    "--slack-token",
    "--headers",
    "--github-token",
    "--gitlab-token",
];

/// Registers every secret the raw arguments and environment may hold: URL-like values
/// broadly (provisionally, until their services say precisely), tokens and credential
/// headers for good.
pub fn seed(args: &[String], env: &Env, redactor: &Redactor) {
    let mut after_flag: Option<&str> = None;
    for arg in args.iter().skip(1) {
        let (flag, value) = match arg.split_once('=') {
            Some((f, v)) if SECRET_FLAGS.contains(&f) => (Some(f), v),
            _ => (after_flag.take(), arg.as_str()),
        };
        if SECRET_FLAGS.contains(&arg.as_str()) {
            after_flag = Some(arg);
            continue;
        }
        seed_value(flag.unwrap_or(""), value, redactor);
    }
    for (key, value) in env.iter() {
        let Some(name) = ["INPUT_", "PLUGIN_", "CRIER_"]
            .iter()
            .find_map(|p| key.strip_prefix(p))
        else {
            continue;
        };
        let flag = format!("--{}", name.to_ascii_lowercase().replace('_', "-"));
        for line in value.lines() {
            seed_value(&flag, line, redactor);
        }
    }
    for name in redact::SECRET_VARIABLES {
        if let Some(secret) = env.get(name) {
            redactor.add(secret);
        }
    }
}

fn seed_value(flag: &str, value: &str, redactor: &Redactor) {
    match flag {
        "--slack-token" | "--github-token" | "--gitlab-token" => redactor.add(value),
        "--headers" => {
            if let Some((name, v)) = value.split_once(':') {
                if redact::is_sensitive_header(name) {
                    redactor.add_header_value(v);
                }
            } else {
                // Not `Name: value`: perhaps `Name=value` or a bare token. All of it.
                redactor.add_provisional(value);
            }
        }
        _ if value.contains("://") || value.to_ascii_lowercase().starts_with("mailto:") => {
            for part in value.split(',') {
                for secret in redact::provisional_secrets(part.trim()) {
                    redactor.add_provisional(&secret);
                }
            }
        }
        "--to" | "--smtp-url" => redactor.add_provisional(value),
        _ => {}
    }
}
