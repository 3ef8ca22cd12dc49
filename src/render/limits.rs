//! What a template may be: limits that keep any template, however written, from exhausting
//! the stack before handlebars sees it.

use super::{TemplateError, CARD_PARTIAL};

/// The largest template accepted, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;
/// How deeply blocks (`{{#if}}…{{/if}}`) and subexpressions may nest.
pub const MAX_TEMPLATE_DEPTH: usize = 40;

/// Refuses what could exhaust the stack before handlebars sees it: a template too large or
/// nested too deeply, and the constructs that recurse (inline partials, partial blocks,
/// decorators, partials other than the built-in card body). Blocks are matched here too, so
/// one left open is reported where it opens, not at the end of the text.
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
    // Open blocks: their name and where they start.
    let mut opens: Vec<(&str, usize)> = Vec::new();
    let at = |offset: usize| {
        let before = &source[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        format!("line {line}, column {column}")
    };
    let mut rest = source;
    while let Some(open) = rest.find("{{") {
        let offset = source.len() - rest.len() + open;
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
                opens.push((block_name(kind), offset));
            }
            Some('/') => {
                depth = depth.saturating_sub(1);
                let closing = block_name(&mustache[1..]);
                match opens.pop() {
                    Some((opened, _)) if opened == closing => {}
                    Some((opened, started)) => {
                        return refuse(format!(
                            "{}: template syntax error: {{{{/{closing}}}}} closes {{{{#{opened}}}}}, which opens at {}",
                            at(offset),
                            at(started)
                        ))
                    }
                    None => {
                        return refuse(format!(
                            "{}: template syntax error: {{{{/{closing}}}}} closes no block",
                            at(offset)
                        ))
                    }
                }
            }
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
    if let Some((opened, started)) = opens.pop() {
        return refuse(format!(
            "{}: template syntax error: {{{{#{opened}}}}} is never closed: add {{{{/{opened}}}}}",
            at(started)
        ));
    }
    Ok(())
}

/// `if` of `#if x`, `each` of `/each`.
fn block_name(text: &str) -> &str {
    let text = text.trim_start();
    let end = text
        .find(|c: char| c.is_whitespace() || c == '~' || c == '}')
        .unwrap_or(text.len());
    &text[..end]
}
