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

use std::cell::RefCell;

use handlebars::{
    handlebars_helper, Context as HbContext, Handlebars, Helper, HelperDef, HelperResult, Output,
    RenderContext, RenderError, RenderErrorReason, ScopedJson,
};
use serde_json::Value;

use crate::jsonc;
use crate::markup;

/// A rendered payload, and what had to be cut to keep it within its limits.
#[derive(Debug, Clone)]
pub struct Payload {
    pub value: Value,
    pub cuts: Vec<String>,
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
        }
    }

    /// Renders an HTML template: every `{{value}}` is HTML-escaped.
    pub fn html(&self, name: &str, source: &str, data: &Value) -> Result<String, TemplateError> {
        render(&self.html, name, source, data)
    }

    /// Renders a text template (`title`, `message`, `email-subject`).
    pub fn text(&self, name: &str, source: &str, data: &Value) -> Result<String, TemplateError> {
        render(&self.text, name, source, data)
    }

    /// Renders a payload template and parses the result as JSON (comments and trailing
    /// commas allowed).
    pub fn payload(
        &self,
        name: &str,
        source: &str,
        data: &Value,
    ) -> Result<Payload, TemplateError> {
        CUTS.with(|cuts| cuts.borrow_mut().clear());
        let registry = match source.contains(CARD_PARTIAL) {
            true => self.payload_with_card.get_or_init(|| {
                let mut registry = self.payload.clone();
                registry
                    .register_partial(
                        CARD_PARTIAL,
                        include_str!("../templates/adaptive-card-body.hbs"),
                    )
                    .expect("the built-in partial compiles");
                registry
            }),
            false => &self.payload,
        };
        let rendered = render(registry, name, source, data)?;
        let cuts = CUTS.with(|cuts| std::mem::take(&mut *cuts.borrow_mut()));
        let value = jsonc::parse(&rendered).map_err(|e| {
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
        Ok(Payload { value, cuts })
    }
}

/// The largest template accepted, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;
/// How deeply blocks (`{{#if}}…{{/if}}`) and subexpressions may nest.
pub const MAX_TEMPLATE_DEPTH: usize = 40;

/// Refuses what could exhaust the stack before handlebars sees it: a template too large or
/// nested too deeply, and the constructs that recurse (inline partials, partial blocks,
/// decorators, partials other than the built-in card body).
fn check_source(name: &str, source: &str) -> Result<(), TemplateError> {
    let refuse = |why: String| {
        Err(TemplateError {
            message: format!("{name}: {why}"),
        })
    };
    if source.len() > MAX_TEMPLATE_BYTES {
        return refuse(format!(
            "the template is {} bytes; at most {MAX_TEMPLATE_BYTES} are accepted",
            source.len()
        ));
    }
    let mut depth = 0usize;
    let mut rest = source;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let inner = after.trim_start_matches(['{', '~']).trim_start();
        let close = inner.find("}}").unwrap_or(inner.len());
        let mustache = &inner[..close];
        if let Some(comment) = mustache.strip_prefix('!') {
            // A comment may hold anything; `{{!-- … --}}` ends at `--}}`.
            let end = if comment.starts_with("--") {
                inner.find("--}}").map_or(inner.len(), |i| i + 4)
            } else {
                close
            };
            rest = &inner[end.min(inner.len())..];
            continue;
        }
        match mustache.chars().next() {
            Some('#') | Some('^') if mustache.len() > 1 => {
                let kind = mustache[1..].trim_start();
                if kind.starts_with('*') || kind.starts_with('>') {
                    return refuse("inline partials, partial blocks and decorators ({{#*inline}}, {{#>}}) are not supported".into());
                }
                depth += 1;
            }
            Some('/') => depth = depth.saturating_sub(1),
            Some('*') => return refuse("decorators ({{*…}}) are not supported".into()),
            Some('>') => {
                let partial = mustache[1..].trim().trim_end_matches('~').trim();
                if partial != CARD_PARTIAL {
                    return refuse(format!(
                        "the only partial is {{{{> {CARD_PARTIAL}}}}}, not {{{{> {partial}}}}}"
                    ));
                }
            }
            _ => {}
        }
        let mut parens = 0usize;
        for c in mustache.chars() {
            match c {
                '(' => parens += 1,
                ')' => parens = parens.saturating_sub(1),
                _ => {}
            }
            if depth + parens > MAX_TEMPLATE_DEPTH {
                break;
            }
        }
        if depth + parens > MAX_TEMPLATE_DEPTH {
            return refuse(format!(
                "blocks and subexpressions nest more than {MAX_TEMPLATE_DEPTH} deep"
            ));
        }
        rest = &inner[close.min(inner.len())..];
    }
    Ok(())
}

fn render(
    registry: &Handlebars<'static>,
    name: &str,
    source: &str,
    data: &Value,
) -> Result<String, TemplateError> {
    check_source(name, source)?;
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
    let ctx = HbContext::wraps(data).map_err(|e| TemplateError {
        message: format!("{name}: {e}"),
    })?;
    let mut out = handlebars::StringOutput::new();
    let mut rc = RenderContext::new(None);
    use handlebars::Renderable;
    template
        .render(registry, &ctx, &mut rc, &mut out)
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

/// The text of a value as a template author expects it: strings as they are, numbers and
/// booleans as JSON, nothing for null or a missing value.
fn as_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(_) => true,
    }
}

/// Shortens `text` to at most `max` characters, ending with `…` when anything was cut.
/// Cuts fall between characters, never inside one.
pub fn truncate(text: &str, max: usize) -> String {
    markup::fit(text, max, markup::plain).0
}

thread_local! {
    /// What the helpers cut while rendering the current payload.
    static CUTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A helper that escapes a value for one markup and fits it within a size:
/// `{{name value [max]}}`. Cuts are recorded so they can be reported.
struct Fit {
    name: &'static str,
    escape: markup::Escape,
    /// The size when none is given; `None` makes the size required.
    default_max: Option<usize>,
}

impl HelperDef for Fit {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc HbContext,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let value = h
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex(self.name, 0))?;
        let max = match (h.param(1), self.default_max) {
            (Some(p), _) => p
                .value()
                .as_u64()
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
                .ok_or_else(|| {
                    RenderErrorReason::Other(format!(
                        "{}: the size must be a whole number, not {}",
                        self.name,
                        p.value()
                    ))
                })?,
            (None, Some(max)) => max,
            (None, None) => {
                return Err(RenderErrorReason::ParamNotFoundForIndex(self.name, 1).into())
            }
        };
        let text = as_text(value.value());
        let (fitted, cut) = markup::fit(&text, max, self.escape);
        if cut {
            let what = value.relative_path().map_or("a value", String::as_str);
            let note = format!(
                "{what} cut from {} to {max} characters",
                text.chars().count()
            );
            CUTS.with(|cuts| cuts.borrow_mut().push(note));
        }
        Ok(ScopedJson::Derived(Value::String(fitted)))
    }
}

/// `{{json value}}`: the value as JSON, written raw so it can stand where a JSON value goes.
struct JsonHelper;

impl HelperDef for JsonHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc HbContext,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let value = h
            .param(0)
            .map(|p| p.value().clone())
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("json", 0))?;
        out.write(&value.to_string())?;
        Ok(())
    }
}

/// The size links' text is kept within.
const LINK_TEXT: usize = 300;

handlebars_helper!(default_helper: |value: Json, fallback: Json| {
    if truthy(value) { value.clone() } else { fallback.clone() }
});
handlebars_helper!(upper: |value: Json| as_text(value).to_uppercase());
handlebars_helper!(lower: |value: Json| as_text(value).to_lowercase());
handlebars_helper!(slack_link: |url: Json, text: Json| {
    markup::slack_link(&as_text(url), &as_text(text), LINK_TEXT)
});
handlebars_helper!(md_link: |url: Json, text: Json| {
    markup::markdown_link(&as_text(url), &as_text(text), LINK_TEXT)
});
handlebars_helper!(discord_mentions: |mention: Json| {
    markup::discord_allowed_mentions(&as_text(mention))
});

fn register_helpers(registry: &mut Handlebars<'static>) {
    registry.register_helper("json", Box::new(JsonHelper));
    registry.register_helper("default", Box::new(default_helper));
    registry.register_helper("upper", Box::new(upper));
    registry.register_helper("lower", Box::new(lower));
    registry.register_helper("slack_link", Box::new(slack_link));
    registry.register_helper("md_link", Box::new(md_link));
    registry.register_helper("discord_mentions", Box::new(discord_mentions));
    let fits: [(&'static str, markup::Escape, Option<usize>); 6] = [
        ("truncate", markup::plain, None),
        ("md", markup::markdown, Some(usize::MAX)),
        ("mrkdwn", markup::slack, Some(3000)),
        ("html", markup::html, Some(usize::MAX)),
        ("mattermost", markup::mattermost, Some(usize::MAX)),
        ("chat_text", markup::google_chat, Some(usize::MAX)),
    ];
    for (name, escape, default_max) in fits {
        registry.register_helper(
            name,
            Box::new(Fit {
                name,
                escape,
                default_max,
            }),
        );
    }
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
        let value = r.payload("t", r#"{"text": "{{m}}"}"#, &data).unwrap().value;
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
            .value;
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
        let a = payload.value["a"].as_str().unwrap();
        assert!(a.chars().count() <= 3000 && a.starts_with("&lt;!channel&gt;"));
        assert_eq!(payload.value["b"], "<!channel…");
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
            .value;
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
