//! Templates: handlebars over the [`Context`](crate::context::Context) JSON.
//!
//! Two registries share the same helpers and differ in their escaping:
//! - payload templates escape every `{{value}}` for a JSON string, so
//!   `"text": "{{commit.message}}"` stays valid JSON whatever the message holds;
//!   `{{{value}}}` is raw and `{{json value}}` inserts a JSON value. The result may use
//!   comments and trailing commas and is parsed into strict JSON.
//! - text templates (`title`, `message`) render plain text; their result is escaped once,
//!   where it is placed.
//!
//! User data only ever enters as values: it is never parsed as template source.

use std::fmt;

use handlebars::{
    handlebars_helper, Context as HbContext, Handlebars, Helper, HelperDef, HelperResult, Output,
    RenderContext, RenderError, RenderErrorReason,
};
use serde_json::Value;

use crate::jsonc;

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
    text: Handlebars<'static>,
}

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
        Renderer { payload, text }
    }

    /// Renders a text template (`title`, `message`, `email-subject`).
    pub fn text(&self, name: &str, source: &str, data: &Value) -> Result<String, TemplateError> {
        render(&self.text, name, source, data)
    }

    /// Renders a payload template and parses the result as JSON (comments and trailing
    /// commas allowed).
    pub fn payload(&self, name: &str, source: &str, data: &Value) -> Result<Value, TemplateError> {
        let rendered = render(&self.payload, name, source, data)?;
        jsonc::parse(&rendered).map_err(|e| {
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
        })
    }
}

fn render(
    registry: &Handlebars<'static>,
    name: &str,
    source: &str,
    data: &Value,
) -> Result<String, TemplateError> {
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
    if text.chars().count() <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Escapes Slack mrkdwn's control characters (`&`, `<`, `>`, and nothing else), so user text
/// cannot form a mention such as `<!channel>` or a disguised link, and keeps the escaped text
/// within `max` characters without cutting an entity in half.
pub fn escape_mrkdwn(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let total: usize = text.chars().map(|c| entity(c).map_or(1, str::len)).sum();
    let budget = if total <= max {
        max
    } else {
        max.saturating_sub(1)
    };
    for c in text.chars() {
        let piece_len = entity(c).map_or(1, str::len);
        if count + piece_len > budget {
            out.push('…');
            return out;
        }
        match entity(c) {
            Some(e) => out.push_str(e),
            None => out.push(c),
        }
        count += piece_len;
    }
    out
}

fn entity(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        _ => None,
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

handlebars_helper!(default_helper: |value: Json, fallback: Json| {
    if truthy(value) { value.clone() } else { fallback.clone() }
});
handlebars_helper!(upper: |value: Json| as_text(value).to_uppercase());
handlebars_helper!(lower: |value: Json| as_text(value).to_lowercase());
handlebars_helper!(truncate_helper: |value: Json, max: u64| {
    truncate(&as_text(value), usize::try_from(max).unwrap_or(usize::MAX))
});
handlebars_helper!(mrkdwn: |value: Json, {max: u64 = 3000}| {
    escape_mrkdwn(&as_text(value), usize::try_from(max).unwrap_or(usize::MAX))
});

/// `<url|text>`, a Slack link with escaped text; just the escaped text when there is no URL.
/// Characters that would end the link early are percent-encoded in the URL.
pub fn slack_link(url: &str, text: &str) -> String {
    let text = escape_mrkdwn(text, 1000);
    if url.is_empty() {
        return text;
    }
    let url: String = url
        .chars()
        .map(|c| match c {
            '|' => "%7C".to_owned(),
            '<' => "%3C".to_owned(),
            '>' => "%3E".to_owned(),
            '&' => "&amp;".to_owned(),
            c => c.to_string(),
        })
        .collect();
    format!("<{url}|{text}>")
}

handlebars_helper!(slack_link_helper: |url: Json, text: Json| {
    slack_link(&as_text(url), &as_text(text))
});

fn register_helpers(registry: &mut Handlebars<'static>) {
    registry.register_helper("slack_link", Box::new(slack_link_helper));
    registry.register_helper("json", Box::new(JsonHelper));
    registry.register_helper("default", Box::new(default_helper));
    registry.register_helper("upper", Box::new(upper));
    registry.register_helper("lower", Box::new(lower));
    registry.register_helper("truncate", Box::new(truncate_helper));
    registry.register_helper("mrkdwn", Box::new(mrkdwn));
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
        let value = r.payload("t", r#"{"text": "{{m}}"}"#, &data).unwrap();
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
            .unwrap();
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
    fn truncation_respects_character_boundaries() {
        assert_eq!(truncate("héllo wörld", 6), "héllo…");
        assert_eq!(truncate("🎉🎉🎉", 2), "🎉…");
        assert_eq!(truncate("🎉🎉", 2), "🎉🎉");
    }

    #[test]
    fn mrkdwn_escapes_only_its_control_characters_and_never_cuts_an_entity() {
        assert_eq!(
            escape_mrkdwn("<!channel> & *bold* \"q\"", 100),
            "&lt;!channel&gt; &amp; *bold* \"q\""
        );
        // "a<" escapes to "a&lt;" (5 chars); with room for 4 the entity is dropped whole.
        assert_eq!(escape_mrkdwn("a<b", 4), "a…");
        assert_eq!(escape_mrkdwn("a<b", 6), "a&lt;b");
        let long = "<".repeat(1000);
        let out = escape_mrkdwn(&long, 3000);
        assert!(out.chars().count() <= 3000 && out.ends_with('…'));
        assert!(out.trim_end_matches('…').len() % 4 == 0);
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
