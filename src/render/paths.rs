//! Templates say when they are wrong: every path a template names must be one the context can
//! have (`commit.sha`, not `comit.sha` nor `commit.nope`), and every helper one that exists.
//! A path that exists but has no value in this run renders empty, as handlebars does.
//!
//! The shape is the context with every field filled ([`crate::context::shape`]); `null` in it
//! stands for anything (`vars`, `event_payload`). Blocks move the scope as they render:
//! `#each` to an element, `#with` to its value.

use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::Path;
use serde_json::Value;

/// Helpers handlebars itself brings.
const BUILT_IN: &[&str] = &[
    "if", "unless", "each", "with", "lookup", "log", "raw", "eq", "ne", "gt", "gte", "lt", "lte",
    "and", "or", "not", "len",
];

/// The first wrong path or helper in `template`, as a message, with the line and column.
pub fn check(template: &Template, shape: &Value, helpers: &[&str]) -> Result<(), String> {
    let mut checker = Checker { helpers };
    checker.template(template, &mut vec![shape.clone()])
}

struct Checker<'a> {
    helpers: &'a [&'a str],
}

impl Checker<'_> {
    fn template(&mut self, template: &Template, scopes: &mut Vec<Value>) -> Result<(), String> {
        for (i, element) in template.elements.iter().enumerate() {
            let at = template
                .mapping
                .get(i)
                .map(|m| format!("line {}, column {}: ", m.0, m.1))
                .unwrap_or_default();
            self.element(element, scopes)
                .map_err(|why| format!("{at}{why}"))?;
        }
        Ok(())
    }

    fn element(
        &mut self,
        element: &TemplateElement,
        scopes: &mut Vec<Value>,
    ) -> Result<(), String> {
        match element {
            TemplateElement::Expression(h) | TemplateElement::HtmlExpression(h) => {
                self.expression(h, scopes)
            }
            TemplateElement::HelperBlock(h) => self.block(h, scopes),
            _ => Ok(()),
        }
    }

    /// `{{path}}`, or `{{helper params…}}`.
    fn expression(&mut self, h: &HelperTemplate, scopes: &[Value]) -> Result<(), String> {
        match &h.name {
            Parameter::Name(name) if h.params.is_empty() && h.hash.is_empty() => {
                if self.is_helper(name) {
                    Ok(())
                } else {
                    resolve(name, scopes).map(|_| ())
                }
            }
            Parameter::Name(name) => {
                self.helper(name)?;
                self.params(h, scopes)
            }
            Parameter::Path(Path::Relative((_, raw))) if self.is_helper(raw) => {
                self.params(h, scopes)
            }
            other => self.parameter(other, scopes).map(|_| ()),
        }
    }

    fn block(&mut self, h: &HelperTemplate, scopes: &mut Vec<Value>) -> Result<(), String> {
        let name = match &h.name {
            Parameter::Name(name) => name.as_str(),
            other => {
                self.parameter(other, scopes)?;
                ""
            }
        };
        if !name.is_empty() && !self.is_helper(name) {
            // `{{#commit}}…{{/commit}}`: a path used as a block, as in Mustache.
            resolve(name, scopes)?;
        }
        let first = match h.params.first() {
            Some(p) => self.parameter(p, scopes)?,
            None => Value::Null,
        };
        for p in h.params.iter().skip(1) {
            self.parameter(p, scopes)?;
        }
        let inner = match name {
            "each" => match &first {
                Value::Array(items) => items.first().cloned().unwrap_or(Value::Null),
                Value::Object(map) => map.values().next().cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            },
            "with" => first,
            _ => scopes.last().cloned().unwrap_or(Value::Null),
        };
        if let Some(template) = &h.template {
            scopes.push(inner);
            let checked = self.template(template, scopes);
            scopes.pop();
            checked?;
        }
        if let Some(inverse) = &h.inverse {
            self.template(inverse, scopes)?;
        }
        Ok(())
    }

    fn params(&mut self, h: &HelperTemplate, scopes: &[Value]) -> Result<(), String> {
        for p in h.params.iter().chain(h.hash.values()) {
            self.parameter(p, scopes)?;
        }
        Ok(())
    }

    /// The shape a parameter stands for (`null`: anything).
    fn parameter(&mut self, p: &Parameter, scopes: &[Value]) -> Result<Value, String> {
        match p {
            Parameter::Path(Path::Relative((_, raw))) => resolve(raw, scopes),
            Parameter::Name(name) => resolve(name, scopes),
            Parameter::Subexpression(sub) => {
                if let TemplateElement::Expression(h) = sub.as_element() {
                    if let Parameter::Name(name) = &h.name {
                        self.helper(name)?;
                    }
                    self.params(h, scopes)?;
                }
                Ok(Value::Null)
            }
            _ => Ok(Value::Null),
        }
    }

    fn is_helper(&self, name: &str) -> bool {
        BUILT_IN.contains(&name) || self.helpers.contains(&name)
    }

    fn helper(&self, name: &str) -> Result<(), String> {
        if self.is_helper(name) {
            return Ok(());
        }
        let all: Vec<&str> = BUILT_IN.iter().chain(self.helpers).copied().collect();
        Err(match nearest(name, &all) {
            Some(near) => format!("`{name}` is not a helper; did you mean `{near}`?"),
            None => format!("`{name}` is not a helper; helpers are {}", all.join(", ")),
        })
    }
}

/// The shape at `raw` (`commit.sha`, `../title`, `this`, `@root.run.url`) from the innermost
/// scope, or why it is not in the context.
fn resolve(raw: &str, scopes: &[Value]) -> Result<Value, String> {
    let mut depth = scopes.len().saturating_sub(1);
    let mut segments: Vec<&str> = Vec::new();
    for seg in raw.split(['.', '/']) {
        match seg {
            "" | "this" => {}
            ".." => depth = depth.saturating_sub(1),
            "@root" => depth = 0,
            seg if seg.starts_with('@') => return Ok(Value::Null),
            seg => segments.push(seg.trim_start_matches('[').trim_end_matches(']')),
        }
    }
    let mut shape = &scopes[depth];
    let mut walked: Vec<&str> = Vec::new();
    for seg in &segments {
        shape = match shape {
            Value::Null => return Ok(Value::Null),
            Value::Object(map) => match map.get(*seg) {
                Some(next) => next,
                None => return Err(unknown(&walked, seg, &segments, map)),
            },
            Value::Array(items) if seg.parse::<usize>().is_ok() || *seg == "length" => {
                match items.first() {
                    Some(first) if *seg != "length" => first,
                    _ => return Ok(Value::Null),
                }
            }
            _ => {
                return Err(format!(
                    "`{raw}` is not in the template context: `{}` has no fields \
                     (`crier --print-context` shows the context)",
                    walked.join(".")
                ))
            }
        };
        walked.push(seg);
    }
    Ok(shape.clone())
}

fn unknown(
    walked: &[&str],
    seg: &str,
    segments: &[&str],
    map: &serde_json::Map<String, Value>,
) -> String {
    let written = segments.join(".");
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    let place = match walked.is_empty() {
        true => "the template context".to_owned(),
        false => format!("`{}`", walked.join(".")),
    };
    let near = nearest(seg, &keys).or_else(|| most_like(seg, &keys));
    let listed = match keys.len() <= 12 {
        true => format!("; {place} has {}", keys.join(", ")),
        false => String::new(),
    };
    match near {
        Some(near) => {
            let mut fixed: Vec<&str> = walked.to_vec();
            fixed.push(near);
            fixed.extend(&segments[walked.len() + 1..]);
            format!(
                "`{written}` is not in the template context; did you mean `{}`?{listed} \
                 (`crier --print-context` shows the context)",
                fixed.join(".")
            )
        }
        None => format!("`{written}` is not in the template context{listed}"),
    }
}

/// The candidate most like `word`, however little.
fn most_like<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(word, c), *c))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The candidate most like `word`, if any is alike enough.
fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn checked(source: &str) -> Result<(), String> {
        let shape = json!({"commit": {"sha": "", "title": "", "author": {"name": ""}},
                           "commits": [{"sha": "", "title": ""}], "vars": null, "title": ""});
        let template = Template::compile(source).unwrap();
        check(&template, &shape, &["upper", "truncate"])
    }

    #[test]
    fn paths_must_be_in_the_context() {
        assert!(checked("{{commit.sha}} {{title}} {{vars.anything.at.all}}").is_ok());
        let err = checked("{{comit.sha}}").unwrap_err();
        assert!(err.contains("did you mean `commit.sha`"), "{err}");
        assert!(err.starts_with("line 1, column 1"), "{err}");
        let err = checked("x\n{{commit.nope}}").unwrap_err();
        assert!(
            err.contains("`commit.nope` is not in the template context"),
            "{err}"
        );
        assert!(err.starts_with("line 2"), "{err}");
        assert!(checked("{{#if commit.sha}}{{commit.author.name}}{{/if}}").is_ok());
        assert!(checked("{{#if commit.sha}}{{commit.auther.name}}{{/if}}").is_err());
    }

    #[test]
    fn blocks_move_the_scope() {
        assert!(checked("{{#each commits}}{{sha}} {{../title}} {{@index}}{{/each}}").is_ok());
        assert!(checked("{{#each commits}}{{shaa}}{{/each}}").is_err());
        assert!(checked("{{#with commit}}{{author.name}}{{/with}}").is_ok());
        assert!(checked("{{#with commit}}{{nope}}{{/with}}").is_err());
    }

    #[test]
    fn helpers_must_exist() {
        assert!(checked("{{upper title}} {{#if (eq title \"x\")}}y{{/if}}").is_ok());
        let err = checked("{{uppercase title}}").unwrap_err();
        assert!(err.contains("did you mean `upper`"), "{err}");
        assert!(checked("{{truncate commit.nope 5}}").is_err());
        assert!(checked("{{#if (bogus title)}}{{/if}}").is_err());
    }
}
