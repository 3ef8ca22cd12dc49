//! The template helpers: escaping for each markup within a size (`mrkdwn`, `html`, `md`, …),
//! `json`, `default`, links and mentions.

use std::cell::RefCell;

use handlebars::{
    handlebars_helper, Context as HbContext, Handlebars, Helper, HelperDef, HelperResult, Output,
    RenderContext, RenderError, RenderErrorReason, ScopedJson,
};
use serde_json::Value;

use crate::markup;

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
    pub(super) static CUTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A helper that escapes a value for one markup and fits it within a size:
/// `{{name value [max]}}`. Cuts are recorded so they can be reported.
struct Fit {
    name: &'static str,
    /// What the whole text goes through first, where escaping needs to see more than one
    /// character (Mattermost's mentions).
    prepare: Option<fn(&str) -> String>,
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
        let prepared = self.prepare.map(|prepare| prepare(&text));
        let (fitted, cut) = markup::fit(prepared.as_deref().unwrap_or(&text), max, self.escape);
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
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("json", 0))?
            .value();
        // Straight into the output: a large event is not serialised into a string first.
        serde_json::to_writer(OutputWriter(out), value)
            .map_err(|e| RenderErrorReason::Other(format!("json: {e}")))?;
        Ok(())
    }
}

/// `{{context_json}}`: the whole template context as JSON, without the Devtron names that
/// repeat it at the top level (templates still see those): the generic webhook's body.
struct ContextJson;

impl HelperDef for ContextJson {
    fn call<'reg: 'rc, 'rc>(
        &self,
        _: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc HbContext,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let Some(map) = ctx.data().as_object() else {
            out.write(&ctx.data().to_string())?;
            return Ok(());
        };
        let mut first = true;
        out.write("{")?;
        for (key, value) in map {
            if crate::context::DEVTRON_KEYS.contains(&key.as_str()) {
                continue;
            }
            if !first {
                out.write(",")?;
            }
            first = false;
            out.write(&Value::String(key.clone()).to_string())?;
            out.write(":")?;
            serde_json::to_writer(OutputWriter(out), value)
                .map_err(|e| RenderErrorReason::Other(format!("context_json: {e}")))?;
        }
        out.write("}")?;
        Ok(())
    }
}

/// `io::Write` over handlebars' output. serde_json writes whole UTF-8 pieces.
struct OutputWriter<'a>(&'a mut dyn Output);

impl std::io::Write for OutputWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write(&text)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size links' text is kept within.
const LINK_TEXT: usize = 300;

handlebars_helper!(default_helper: |value: Json, fallback: Json| {
    if truthy(value) { value.clone() } else { fallback.clone() }
});
handlebars_helper!(upper: |value: Json| as_text(value).to_uppercase());
handlebars_helper!(first_helper: |list: Json, n: u64| {
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    Value::Array(list.as_array().map(|a| a.iter().take(n).cloned().collect()).unwrap_or_default())
});
handlebars_helper!(more_helper: |list: Json, n: u64| {
    let len = list.as_array().map_or(0, Vec::len) as u64;
    len.saturating_sub(n)
});
handlebars_helper!(duration_helper: |seconds: Json| {
    match seconds.as_u64() {
        Some(s) if s >= 3600 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        Some(s) if s >= 60 => format!("{}m {}s", s / 60, s % 60),
        Some(s) => format!("{s}s"),
        None => String::new(),
    }
});
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

/// The helpers registered here, for the check that a template names only helpers that exist.
pub(super) const NAMES: &[&str] = &[
    "json",
    "context_json",
    "default",
    "upper",
    "first",
    "more",
    "duration",
    "lower",
    "slack_link",
    "md_link",
    "discord_mentions",
    "truncate",
    "md",
    "mrkdwn",
    "html",
    "mattermost",
    "chat_text",
    "zulip_text",
    "telegram_html",
    "webex_md",
];

pub(super) fn register_helpers(registry: &mut Handlebars<'static>) {
    registry.register_helper("json", Box::new(JsonHelper));
    registry.register_helper("context_json", Box::new(ContextJson));
    registry.register_helper("default", Box::new(default_helper));
    registry.register_helper("upper", Box::new(upper));
    registry.register_helper("first", Box::new(first_helper));
    registry.register_helper("more", Box::new(more_helper));
    registry.register_helper("duration", Box::new(duration_helper));
    registry.register_helper("lower", Box::new(lower));
    registry.register_helper("slack_link", Box::new(slack_link));
    registry.register_helper("md_link", Box::new(md_link));
    registry.register_helper("discord_mentions", Box::new(discord_mentions));
    type Prepare = Option<fn(&str) -> String>;
    let fits: [(&'static str, Prepare, markup::Escape, Option<usize>); 9] = [
        (
            "zulip_text",
            Some(markup::zulip),
            markup::plain,
            Some(usize::MAX),
        ),
        ("truncate", None, markup::plain, None),
        ("md", None, markup::markdown, Some(usize::MAX)),
        ("mrkdwn", None, markup::slack, Some(3000)),
        ("html", None, markup::html, Some(usize::MAX)),
        (
            "mattermost",
            Some(markup::inert_mentions),
            markup::plain,
            Some(usize::MAX),
        ),
        (
            "telegram_html",
            Some(markup::inert_mentions),
            markup::html,
            Some(usize::MAX),
        ),
        (
            "webex_md",
            Some(markup::inert_mentions),
            markup::markdown,
            Some(usize::MAX),
        ),
        ("chat_text", None, markup::google_chat, Some(usize::MAX)),
    ];
    for (name, prepare, escape, default_max) in fits {
        registry.register_helper(
            name,
            Box::new(Fit {
                name,
                prepare,
                escape,
                default_max,
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_helper_is_registered() {
        let mut registry = Handlebars::new();
        register_helpers(&mut registry);
        let data = serde_json::json!({"a": "x"});
        let missing = registry
            .render_template("{{nosuchhelper a 1}}", &data)
            .unwrap_err()
            .to_string()
            .replace("nosuchhelper", "NAME");
        for name in NAMES {
            let source = format!("{{{{{name} a 1}}}}");
            if let Err(e) = registry.render_template(&source, &data) {
                let reason = e.to_string().replace(name, "NAME");
                assert_ne!(reason, missing, "{name} is not registered");
            }
        }
    }
}
