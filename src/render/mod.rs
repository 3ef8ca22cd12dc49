//! Templates: handlebars over the [`Context`](crate::context::Context) JSON.
//!
//! Three registries share the same helpers and differ in their escaping:
//! - payload templates escape every `{{value}}` for a JSON string, so
//!   `"text": "{{commit.message}}"` stays valid JSON whatever the message holds;
//!   `{{{value}}}` is raw and `{{json value}}` inserts a JSON value. The result may use
//!   comments and trailing commas and is parsed into strict JSON.
//! - text templates (`title`, `message`) render plain text; their result is escaped once,
//!   where it is placed.
//! - HTML templates (the e-mail's HTML part) escape every `{{value}}` for HTML.
//!
//! User data only ever enters as values: it is never parsed as template source.

use std::fmt;

use handlebars::{Context as HbContext, Handlebars, RenderContext, RenderError};
use serde_json::Value;

mod helpers;
mod limits;
mod paths;

use crate::jsonc;

pub use helpers::truncate;
use helpers::{register_helpers, CUTS};
pub use limits::{MAX_TEMPLATE_BYTES, MAX_TEMPLATE_DEPTH};

/// A rendered payload as strict, compact JSON text, and what had to be cut to keep it within
/// its limits.
#[derive(Debug, Clone)]
pub struct Payload {
    pub text: String,
    pub cuts: Vec<String>,
}

impl Payload {
    /// A payload of `value`, as a template would render it.
    pub fn of(value: &Value) -> Payload {
        Payload {
            text: value.to_string(),
            cuts: Vec::new(),
        }
    }

    /// The payload as a JSON value, for services that look inside or reshape it.
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

/// The template context, made once and shared by every template of a run: a large event is
/// neither copied per template nor per format.
pub struct Data(HbContext);

impl Data {
    pub fn new(value: Value) -> Data {
        Data(HbContext::from(value))
    }

    pub fn value(&self) -> &Value {
        self.0.data()
    }

    pub fn value_mut(&mut self) -> &mut Value {
        self.0.data_mut()
    }
}

/// What templates render over: the run's [`Data`], or a plain value (which is copied).
pub trait Source {
    fn with_context<R>(&self, render: impl FnOnce(&HbContext) -> R) -> R;
}

impl Source for Data {
    fn with_context<R>(&self, render: impl FnOnce(&HbContext) -> R) -> R {
        render(&self.0)
    }
}

impl Source for Value {
    fn with_context<R>(&self, render: impl FnOnce(&HbContext) -> R) -> R {
        render(&HbContext::from(self.clone()))
    }
}

/// A template that cannot be parsed or rendered, or that does not produce JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub struct Renderer {
    payload: Handlebars<'static>,
    /// The payload registry with the Adaptive Card partial, compiled only for a template that
    /// uses it: compiling it would otherwise be most of a run's work.
    payload_with_card: std::cell::OnceCell<Handlebars<'static>>,
    text: Handlebars<'static>,
    html: Handlebars<'static>,
    /// The shape of the context, when every path a template names must be in it.
    shape: Option<Value>,
}

/// The partial shared by the Teams and RingCentral templates, and usable in users' own.
const CARD_PARTIAL: &str = "adaptive_card_body";

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    pub fn new() -> Renderer {
        let mut payload = Handlebars::new();
        payload.register_escape_fn(escape_json_string);
        register_helpers(&mut payload);
        let mut text = Handlebars::new();
        text.register_escape_fn(handlebars::no_escape);
        register_helpers(&mut text);
        // Handlebars' own escaping is for HTML.
        let mut html = Handlebars::new();
        register_helpers(&mut html);
        Renderer {
            payload,
            payload_with_card: std::cell::OnceCell::new(),
            text,
            html,
            shape: None,
        }
    }

    /// A renderer that refuses templates naming paths the context cannot have (`shape`, as
    /// [`crate::context::shape`] gives it) or helpers that do not exist.
    pub fn strict(shape: Value) -> Renderer {
        Renderer {
            shape: Some(shape),
            ..Renderer::new()
        }
    }

    /// Renders an HTML template: every `{{value}}` is HTML-escaped.
    pub fn html(
        &self,
        name: &str,
        source: &str,
        data: &impl Source,
    ) -> Result<String, TemplateError> {
        render(&self.html, self.shape.as_ref(), name, source, data)
    }

    /// Renders a text template (`title`, `message`, `email-subject`).
    pub fn text(
        &self,
        name: &str,
        source: &str,
        data: &impl Source,
    ) -> Result<String, TemplateError> {
        render(&self.text, self.shape.as_ref(), name, source, data)
    }

    /// Renders a payload template and parses the result as JSON (comments and trailing
    /// commas allowed).
    pub fn payload(
        &self,
        name: &str,
        source: &str,
        data: &impl Source,
    ) -> Result<Payload, TemplateError> {
        CUTS.with(|cuts| cuts.borrow_mut().clear());
        let registry = match source.contains(CARD_PARTIAL) {
            true => self.payload_with_card.get_or_init(|| {
                let mut registry = self.payload.clone();
                registry
                    .register_partial(
                        CARD_PARTIAL,
                        include_str!("../../templates/adaptive-card-body.hbs"),
                    )
                    .expect("the built-in partial compiles");
                registry
            }),
            false => &self.payload,
        };
        let rendered = render(registry, self.shape.as_ref(), name, source, data)?;
        let cuts = CUTS.with(|cuts| std::mem::take(&mut *cuts.borrow_mut()));
        let text = jsonc::to_strict(rendered).map_err(|(e, rendered)| {
            let line = rendered.lines().nth(e.line.saturating_sub(1)).unwrap_or("");
            TemplateError {
                message: format!(
                    "{name}: line {}, column {}: the rendered template is not JSON: {}; the line reads: {}",
                    e.line,
                    e.column,
                    e.reason,
                    excerpt(line, e.column)
                ),
            }
        })?;
        Ok(Payload { text, cuts })
    }
}

fn render(
    registry: &Handlebars<'static>,
    shape: Option<&Value>,
    name: &str,
    source: &str,
    data: &impl Source,
) -> Result<String, TemplateError> {
    limits::check_source(name, source)?;
    let template = handlebars::Template::compile(source).map_err(|e| {
        let at = match e.pos() {
            Some((line, column)) => format!("line {line}, column {column}: "),
            None => String::new(),
        };
        // The parser's own text lists every rule it expected; say what it usually means.
        let reason = match e.reason() {
            handlebars::TemplateErrorReason::InvalidSyntax(_) => {
                "invalid handlebars: an unclosed {{#block}}, or a malformed {{expression}}".into()
            }
            other => other.to_string(),
        };
        TemplateError {
            message: format!("{name}: {at}template syntax error: {reason}"),
        }
    })?;
    if let Some(shape) = shape {
        paths::check(&template, shape, helpers::NAMES).map_err(|why| TemplateError {
            message: format!("{name}: {why}"),
        })?;
    }
    let mut out = handlebars::StringOutput::new();
    use handlebars::Renderable;
    data.with_context(|ctx| {
        let mut rc = RenderContext::new(None);
        template.render(registry, ctx, &mut rc, &mut out)
    })
    .map_err(|e| render_error(name, &e))?;
    out.into_string().map_err(|e| TemplateError {
        message: format!("{name}: {e}"),
    })
}

fn render_error(name: &str, e: &RenderError) -> TemplateError {
    let at = match (e.line_no, e.column_no) {
        (Some(line), Some(column)) => format!("line {line}, column {column}: "),
        _ => String::new(),
    };
    TemplateError {
        message: format!("{name}: {at}cannot render: {}", e.reason()),
    }
}

/// Up to 60 characters of `line` around `column` (1-based, in bytes).
fn excerpt(line: &str, column: usize) -> String {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let at = chars
        .iter()
        .position(|(i, _)| *i + 1 >= column)
        .unwrap_or(chars.len());
    let start = at.saturating_sub(40);
    let end = (at + 20).min(chars.len());
    let mut text: String = chars[start..end].iter().map(|(_, c)| c).collect();
    if start > 0 {
        text.insert(0, '…');
    }
    if end < chars.len() {
        text.push('…');
    }
    format!("`{}`", text.trim())
}

/// The body of a JSON string literal, without its quotes.
pub fn escape_json_string(text: &str) -> String {
    let quoted = serde_json::to_string(text).expect("a string serialises");
    quoted[1..quoted.len() - 1].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HOSTILE: &str = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} emoji 🎉 \
                           <!channel> @everyone {{title}} & <b>bold</b> '";

    #[test]
    fn values_are_escaped_for_json_strings() {
        let r = Renderer::new();
        let data = json!({"m": HOSTILE, "title": "SHOULD NOT APPEAR"});
        let value = r
            .payload("t", r#"{"text": "{{m}}"}"#, &data)
            .unwrap()
            .value();
        assert_eq!(value["text"], HOSTILE);
        let sent = value.to_string();
        assert!(!sent.contains("&quot;") && !sent.contains("&#x27;") && !sent.contains("&lt;"));
    }

    #[test]
    fn triple_stash_is_raw_and_json_inserts_a_value() {
        let r = Renderer::new();
        let data = json!({"obj": {"a": [1, "x\"y"]}, "verbatim": "\"raw\"", "n": 42});
        let value = r
            .payload("t", r#"{"o": {{json obj}}, "r": {{{verbatim}}}, "n": {{json n}}, "missing": {{json nope}}}"#, &data)
            .unwrap()
            .value();
        assert_eq!(
            value,
            json!({"o": {"a": [1, "x\"y"]}, "r": "raw", "n": 42, "missing": null})
        );
    }

    #[test]
    fn text_templates_do_not_escape() {
        let r = Renderer::new();
        let text = r
            .text("title", "{{m}}", &json!({"m": "a \"b\" <c> & d"}))
            .unwrap();
        assert_eq!(text, "a \"b\" <c> & d");
    }

    #[test]
    fn helpers_behave() {
        let r = Renderer::new();
        let data = json!({"s": "Hello", "empty": "", "n": 7, "long": "abcdefghij"});
        let cases = [
            ("{{upper s}}", "HELLO"),
            ("{{lower s}}", "hello"),
            ("{{default empty \"fallback\"}}", "fallback"),
            ("{{default missing \"fallback\"}}", "fallback"),
            ("{{default s \"fallback\"}}", "Hello"),
            ("{{truncate long 5}}", "abcd…"),
            ("{{truncate long 10}}", "abcdefghij"),
            ("{{truncate n 5}}", "7"),
            ("{{#if (eq n 7)}}yes{{else}}no{{/if}}", "yes"),
            ("{{#if (and (gt n 1) (lt n 10))}}in{{/if}}", "in"),
            ("{{missing.deeply.nested}}", ""),
        ];
        for (template, expected) in cases {
            assert_eq!(
                r.text("t", template, &data).unwrap(),
                expected,
                "{template}"
            );
        }
    }

    #[test]
    fn markup_helpers_escape_and_record_what_they_cut() {
        let r = Renderer::new();
        let data = json!({"commit": {"message": "<!channel> ".repeat(500)}, "n": 5});
        let payload = r
            .payload(
                "t",
                r#"{"a": "{{mrkdwn commit.message}}", "b": "{{truncate commit.message 10}}", "c": "{{html commit.message 20}}"}"#,
                &data,
            )
            .unwrap();
        let value = payload.value();
        let a = value["a"].as_str().unwrap();
        assert!(a.chars().count() <= 3000 && a.starts_with("&lt;!channel&gt;"));
        assert_eq!(payload.value()["b"], "<!channel…");
        assert_eq!(payload.cuts.len(), 3);
        assert_eq!(
            payload.cuts[1],
            "commit.message cut from 5500 to 10 characters"
        );
        let err = r
            .payload("t", r#"{"a": "{{truncate commit.message}}"}"#, &data)
            .unwrap_err();
        assert!(err.message.contains("truncate"), "{}", err.message);
        let err = r
            .payload("t", r#"{"a": "{{truncate n "x"}}"}"#, &data)
            .unwrap_err();
        assert!(err.message.contains("whole number"), "{}", err.message);
    }

    #[test]
    fn link_and_mention_helpers() {
        let r = Renderer::new();
        let data = json!({"u": "https://x/y", "t": "a|b>", "m": "<@42>"});
        let out = r
            .payload("t", r#"{"s": "{{slack_link u t}}", "d": "{{md_link u t}}", "a": {{json (discord_mentions m)}}}"#, &data)
            .unwrap()
            .value();
        assert_eq!(
            out,
            json!({"s": "<https://x/y|a|b&gt;>", "d": "[a|b>](https://x/y)", "a": {"parse": [], "users": ["42"]}})
        );
    }

    #[test]
    fn errors_name_the_template_line_and_column() {
        let r = Renderer::new();
        let err = r
            .payload("my.json", "{\n  \"a\": {{#if x}}\n}", &json!({}))
            .unwrap_err();
        assert!(err.message.starts_with("my.json: line "), "{}", err.message);
        let err = r
            .payload(
                "my.json",
                "{\n  \"a\": 1,\n  \"b\": {{s}}\n}",
                &json!({"s": "x y"}),
            )
            .unwrap_err();
        assert!(
            err.message.contains("my.json: line 3, column"),
            "{}",
            err.message
        );
        assert!(err.message.contains("not JSON"), "{}", err.message);
        let err = r.payload("t", "", &json!({})).unwrap_err();
        assert!(err.message.contains("not JSON"), "{}", err.message);
    }

    #[test]
    fn user_data_is_never_template_source() {
        let r = Renderer::new();
        let data = json!({"m": "{{secret}}", "secret": "leaked"});
        assert_eq!(r.text("t", "{{m}}", &data).unwrap(), "{{secret}}");
    }
}
