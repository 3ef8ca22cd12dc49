//! Parsing and checking one setting's value. Each error names the setting and the value (or,
//! for a value that may be a credential, its masked form).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::error::UsageError;
use crate::files;

/// Largest number of retries accepted: more would only hide a broken destination.
const MAX_RETRIES: u32 = 100;
/// Shortest duration accepted for `timeout` and `deadline`: one millisecond.
const MIN_SECONDS: f64 = 0.001;
/// Longest duration accepted for `timeout` and `deadline`: one day.
const MAX_SECONDS: f64 = 86_400.0;

/// What happens to notifications whose settings name a payload template.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Shown in error messages: "`template` file PATH", or "`template` (inline template)".
    pub name: String,
    pub text: String,
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

pub fn parse_retries(value: Option<&str>) -> Result<u32, UsageError> {
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

pub fn parse_seconds(
    name: &str,
    value: Option<&str>,
    default: f64,
) -> Result<Duration, UsageError> {
    let seconds = match value {
        None => default,
        Some(text) => match text.trim().parse::<f64>() {
            Ok(s) if (MIN_SECONDS..=MAX_SECONDS).contains(&s) => s,
            _ => {
                return Err(UsageError::setting_value(
                    name,
                    text,
                    &format!(
                        "expected a number of seconds from {MIN_SECONDS} (too little for any attempt below that) to {MAX_SECONDS}"
                    ),
                ))
            }
        },
    };
    Ok(Duration::from_secs_f64(seconds))
}

/// `Name: value`. The name must be an HTTP token, so a header cannot smuggle a line break.
pub fn parse_header(line: &str) -> Result<(String, String), UsageError> {
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

pub fn parse_vars(lines: &[String]) -> Result<BTreeMap<String, String>, UsageError> {
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
pub fn read_template(value: &str) -> Result<TemplateSource, UsageError> {
    let trimmed = value.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Ok(TemplateSource {
            name: "`template` (inline template)".into(),
            text: value.to_owned(),
        });
    }
    let path = value.trim();
    match files::read_text(std::path::Path::new(path), files::SMALL_LIMIT) {
        Ok(text) => Ok(TemplateSource {
            name: format!("`template` file {path}"),
            text,
        }),
        Err(why) if path.contains("{{") || path.contains('\n') => Err(UsageError::setting_value(
            "template",
            path,
            &format!(
                "this does not start with `{{`, so it was taken for a file path, and the file \
                 cannot be read ({why}); an inline template is JSON and starts with `{{`"
            ),
        )),
        Err(why) => Err(UsageError::setting_value(
            "template",
            path,
            &format!("cannot read the file: {why}"),
        )),
    }
}
/// A list setting's items, one per line, blank lines dropped.
pub fn split_lines(value: &str) -> Vec<String> {
    value
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `url1,url2` as two URLs: a comma starts a new item only where a URL scheme follows, so
/// `mailto:a@x,b@x` stays one.
pub fn split_url_list(value: &str) -> Vec<String> {
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
