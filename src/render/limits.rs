//! What a template may be: limits that keep any template, however written, from exhausting
//! the stack before handlebars sees it.

use super::{TemplateError, CARD_PARTIAL};

/// The largest template accepted, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;
/// How deeply blocks (`{{#if}}…{{/if}}`) and subexpressions may nest.
pub const MAX_TEMPLATE_DEPTH: usize = 40;

/// Refuses what could exhaust the stack before handlebars sees it: a template too large or
/// nested too deeply, and the constructs that recurse (inline partials, partial blocks,
/// decorators, partials other than the built-in card body).
pub(super) fn check_source(name: &str, source: &str) -> Result<(), TemplateError> {
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
