//! The routes file (`config`): who hears about what, kept in the repository.
//!
//! ```yaml
//! defaults:              # any setting, under every route
//!   retries: 2
//! routes:
//!   - to: ${SLACK_WEBHOOK}
//!     on: problems
//!     branches: [main, "release/*"]
//! ```
//!
//! Unknown keys are errors that name the key and its line, so a misspelt filter cannot match
//! everything. `${VAR}` is replaced from the environment after parsing (a value cannot change
//! the file's structure), and an unset variable is an error naming it. Every value substituted
//! is a secret, handed to the caller's `secret` as soon as it is read.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::context::Context;
use crate::env::Env;
use crate::error::UsageError;
use crate::settings::values::{self, TemplateSource};
use crate::settings::Layer;
use crate::status::OnFilter;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    defaults: Option<Layer>,
    #[serde(default)]
    routes: Vec<RouteSpec>,
    /// Who is who on each service, for `mention: author`: a CI login or commit e-mail → a
    /// handle per service (`slack: "<@U123>"`).
    #[serde(default)]
    people: People,
}

/// A CI login or commit e-mail → a service's name → that person's handle there.
pub type People = BTreeMap<String, BTreeMap<String, String>>;

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Vars {
    Map(BTreeMap<String, String>),
    List(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteSpec {
    to: OneOrMany,
    on: Option<OneOrMany>,
    template: Option<String>,
    headers: Option<OneOrMany>,
    vars: Option<Vars>,
    branches: Option<OneOrMany>,
    environments: Option<OneOrMany>,
    events: Option<OneOrMany>,
    repositories: Option<OneOrMany>,
}

/// One route, ready to match.
#[derive(Debug, Clone)]
pub struct Route {
    /// From 1, in the file's order.
    pub number: usize,
    pub to: Vec<String>,
    pub on: Option<OnFilter>,
    pub template: Option<TemplateSource>,
    pub headers: Vec<(String, String)>,
    pub vars: BTreeMap<String, String>,
    branches: Vec<String>,
    environments: Vec<String>,
    events: Vec<String>,
    repositories: Vec<String>,
}

pub struct Routes {
    pub defaults: Layer,
    pub routes: Vec<Route>,
    pub people: People,
}

/// Reads and checks the routes file at `path`.
pub fn load(path: &Path, env: &Env, secret: &dyn Fn(&str)) -> Result<Routes, UsageError> {
    let shown = path.display().to_string();
    let bad = |why: String| UsageError::new(format!("routes file {shown}: {why}"));
    let text = crate::files::read_text(path, crate::files::SMALL_LIMIT).map_err(|why| {
        UsageError::setting_value("config", &shown, &format!("cannot read the file: {why}"))
    })?;
    let file: File =
        serde_norway::from_str(&text).map_err(|e| bad(locate(&e.to_string(), &text)))?;
    let expand = |value: String| expand(&value, env, secret).map_err(&bad);
    let expand_all = |values: Vec<String>| {
        values
            .into_iter()
            .map(expand)
            .collect::<Result<Vec<_>, _>>()
    };

    let defaults = match file.defaults {
        Some(layer) => {
            // Expand every string of the defaults, whatever setting it belongs to.
            let mut value = serde_json::to_value(layer).expect("settings serialise");
            expand_json(&mut value, env, secret).map_err(&bad)?;
            serde_json::from_value(value).expect("settings deserialise")
        }
        None => Layer::default(),
    };
    let mut routes = Vec::new();
    for (i, spec) in file.routes.into_iter().enumerate() {
        let number = i + 1;
        let in_route = |e: UsageError| bad(format!("route {number}: {e}"));
        let to = expand_all(spec.to.into_vec())?;
        if to.iter().all(|t| t.trim().is_empty()) {
            return Err(bad(format!("route {number}: `to` is empty")));
        }
        let on = match spec.on {
            Some(on) => Some(OnFilter::parse(&on.into_vec().join(",")).map_err(|word| {
                in_route(UsageError::setting_value(
                    "on",
                    &word,
                    "expected always, finished, problems or a status",
                ))
            })?),
            None => None,
        };
        let template = match spec.template {
            Some(t) => Some(values::read_template(&expand(t)?).map_err(in_route)?),
            None => None,
        };
        let headers = expand_all(spec.headers.map(OneOrMany::into_vec).unwrap_or_default())?
            .iter()
            .map(|h| values::parse_header(h))
            .collect::<Result<Vec<_>, _>>()
            .map_err(in_route)?;
        let vars = match spec.vars {
            Some(Vars::Map(map)) => map
                .into_iter()
                .map(|(k, v)| Ok((k, expand(v)?)))
                .collect::<Result<BTreeMap<_, _>, UsageError>>()?,
            Some(Vars::List(list)) => values::parse_vars(&expand_all(list)?).map_err(in_route)?,
            None => BTreeMap::new(),
        };
        let list = |filter: Option<OneOrMany>| filter.map(OneOrMany::into_vec).unwrap_or_default();
        routes.push(Route {
            number,
            to,
            on,
            template,
            headers,
            vars,
            branches: list(spec.branches),
            environments: list(spec.environments),
            events: list(spec.events),
            repositories: list(spec.repositories),
        });
    }
    Ok(Routes {
        defaults,
        routes,
        people: file.people,
    })
}

/// The parser's message, with the line of an unknown key added where it gave none (it does
/// not for keys at the top of the file).
fn locate(message: &str, text: &str) -> String {
    // The parser counts routes from 0 (`routes[1]`); every other message from 1.
    let message = &renumber(message);
    if message.contains(" line ") {
        return message.to_owned();
    }
    let key = message
        .split_once("unknown field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(key, _)| key);
    let line = key.and_then(|key| {
        text.lines().position(|l| {
            l.trim_start()
                .trim_start_matches("- ")
                .starts_with(&format!("{key}:"))
        })
    });
    match line {
        Some(n) => format!("{message} at line {}", n + 1),
        None => message.to_owned(),
    }
}

/// `routes[1]: …` as `route 2: …`.
fn renumber(message: &str) -> String {
    let Some(start) = message.find("routes[") else {
        return message.to_owned();
    };
    let after = &message[start + 7..];
    match after.split_once(']') {
        Some((n, rest)) if n.parse::<usize>().is_ok() => {
            let n: usize = n.parse().unwrap_or(0);
            format!("{}route {}{}", &message[..start], n + 1, rest)
        }
        _ => message.to_owned(),
    }
}

impl Route {
    /// Whether the run in `ctx` is one this route tells of; if not, why not.
    pub fn matches(&self, ctx: &Context) -> Result<(), String> {
        let filters = [
            (
                "branch",
                &self.branches,
                ctx.git_ref.name.as_deref(),
                "branches",
            ),
            (
                "environment",
                &self.environments,
                ctx.environment.name.as_deref(),
                "environments",
            ),
            ("event", &self.events, Some(ctx.event.as_str()), "events"),
            (
                "repository",
                &self.repositories,
                ctx.repository.full_name.as_deref(),
                "repositories",
            ),
        ];
        for (what, globs, value, key) in filters {
            if globs.is_empty() {
                continue;
            }
            match value {
                Some(value) if globs.iter().any(|g| glob(g, value)) => {}
                Some(value) => {
                    return Err(format!(
                        "{what} `{value}` is not in {key} [{}]",
                        globs.join(", ")
                    ))
                }
                None => {
                    return Err(format!(
                        "the run has no {what}, and the route filters {key}"
                    ))
                }
            }
        }
        Ok(())
    }
}

/// `*` matches any run of characters (`/` included), `?` any one character.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Classic two-pointer wildcard matching with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Replaces every `${NAME}` with the environment's value.
fn expand(text: &str, env: &Env, secret: &dyn Fn(&str)) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("`${{` without a closing `}}` in {text:?}"))?;
        let name = &after[..end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`${{{name}}}` is not a variable name"));
        }
        let value = env
            .get(name)
            .ok_or_else(|| format!("${{{name}}} is not set in the environment"))?;
        secret(value);
        out.push_str(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn expand_json(
    value: &mut serde_json::Value,
    env: &Env,
    secret: &dyn Fn(&str),
) -> Result<(), String> {
    match value {
        serde_json::Value::String(s) => *s = expand(s, env, secret)?,
        serde_json::Value::Array(items) => items
            .iter_mut()
            .try_for_each(|v| expand_json(v, env, secret))?,
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        for (pattern, text, expected) in [
            ("main", "main", true),
            ("main", "mainline", false),
            ("release/*", "release/1.2", true),
            ("release/*", "release", false),
            ("acme/*", "acme/widgets", true),
            ("*", "anything/at/all", true),
            ("v?.*", "v1.2.3", true),
            ("*-prod", "eu-prod", true),
            ("*-prod", "eu-production", false),
            ("a*b*c", "aXXbYYc", true),
        ] {
            assert_eq!(glob(pattern, text), expected, "{pattern} ~ {text}");
        }
    }

    #[test]
    fn variables_are_expanded_and_an_unset_one_is_named() {
        let env = Env::from_pairs(&[("HOOK", "https://x/y"), ("EMPTY", "")]);
        let seen = std::cell::RefCell::new(Vec::new());
        let secret = |s: &str| seen.borrow_mut().push(s.to_owned());
        let expand = |text: &str| expand(text, &env, &secret);
        assert_eq!(expand("${HOOK}?a=1").unwrap(), "https://x/y?a=1");
        assert_eq!(expand("plain").unwrap(), "plain");
        assert!(expand("${NOPE}").unwrap_err().contains("${NOPE}"));
        assert!(expand("${EMPTY}").unwrap_err().contains("${EMPTY}"));
        assert!(expand("${HOOK").is_err());
        assert_eq!(*seen.borrow(), ["https://x/y"]);
    }
}
