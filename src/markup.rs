//! Escaping user text for each destination's markup, within a size budget.
//!
//! Every escape works the same way: characters that mean something to the destination are
//! replaced, and the result is kept within `max` characters by cutting between whole
//! characters and whole escapes (never inside `&amp;`), ending with a visible `…`.

use serde_json::{json, Value};

/// What a character becomes in a destination's markup, if it must change.
pub type Escape = fn(char) -> Option<&'static str>;

/// Plain text: nothing to escape.
pub fn plain(_: char) -> Option<&'static str> {
    None
}

/// Slack mrkdwn: exactly `&`, `<` and `>` (Slack decodes no other entity). Without `<`, user
/// text cannot form `<!channel>`, `<@U123>` or a disguised `<url|link>`.
pub fn slack(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        _ => None,
    }
}

/// HTML text (Google Chat card widgets, e-mail).
pub fn html(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        _ => None,
    }
}

/// Markdown text (Discord, Adaptive Cards): a zero-width space after `]` keeps the text as it
/// looks but can never close a `[text](url)` link, so no text can disguise where a link goes.
pub fn markdown(c: char) -> Option<&'static str> {
    match c {
        ']' => Some("]\u{200B}"),
        _ => None,
    }
}

/// Zulip Markdown: `@**all**`, `@**name**` and `@_**name**` mention, and `[text](url)`
/// links: a zero-width space after such an `@` and after `]` makes them inert;
/// `widgets@main` stays as it is.
pub fn zulip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '@' if matches!(chars.peek(), Some('*') | Some('_')) => out.push('\u{200B}'),
            ']' => out.push('\u{200B}'),
            _ => {}
        }
    }
    out
}

/// Chat text where a word starting with `@` mentions (Mattermost's `@channel`, `@all` and
/// `@user`; Telegram's `@username`), Slack-style `<!channel>` is a mention (Mattermost), and
/// `<@all>` or `<@personEmail:…>` is one (Webex). A zero-width space after such an `@` and
/// such a `<` keeps the text as it looks while making it inert; `widgets@main` and `a < b`
/// are left alone. Markdown links are kept honest as by [`markdown`].
pub fn inert_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        let word_start = previous.map_or(true, |p| !(p.is_alphanumeric() || p == '_' || p == '.'));
        match c {
            '@' if word_start && chars.peek().is_some_and(|n| n.is_alphanumeric()) => {
                out.push('\u{200B}')
            }
            '<' if matches!(chars.peek(), Some('!' | '@')) => out.push('\u{200B}'),
            ']' => out.push('\u{200B}'),
            _ => {}
        }
        previous = Some(c);
    }
    out
}

/// Google Chat message text: `<users/all>` mentions everyone and `<url|text>` makes links.
pub fn google_chat(c: char) -> Option<&'static str> {
    match c {
        '<' => Some("<\u{200B}"),
        _ => None,
    }
}

/// `text` escaped with `escape` and kept within `max` characters. The flag says whether
/// anything was cut.
pub fn fit(text: &str, max: usize, escape: Escape) -> (String, bool) {
    let width = |c: char| escape(c).map_or(1, |e| e.chars().count());
    let total: usize = text.chars().map(width).sum();
    let cut = total > max;
    // Room for the ellipsis when cutting.
    let budget = if cut { max.saturating_sub(1) } else { max };
    let mut out = String::with_capacity(text.len().min(max * 4));
    let mut used = 0;
    for c in text.chars() {
        let w = width(c);
        if used + w > budget {
            break;
        }
        match escape(c) {
            Some(e) => out.push_str(e),
            None => out.push(c),
        }
        used += w;
    }
    if cut && max > 0 {
        out.push('…');
    }
    (out, cut)
}

/// `<url|text>`, a Slack link with escaped text; only the text when there is no URL.
/// Characters that would end the link early are percent-encoded in the URL.
pub fn slack_link(url: &str, text: &str, max: usize) -> String {
    let (text, _) = fit(text, max, slack);
    if url.is_empty() {
        return text;
    }
    let mut link = String::from("<");
    for c in url.chars() {
        match c {
            '|' => link.push_str("%7C"),
            '<' => link.push_str("%3C"),
            '>' => link.push_str("%3E"),
            '&' => link.push_str("&amp;"),
            c => link.push(c),
        }
    }
    format!("{link}|{text}>")
}

/// `[text](url)`, a Markdown link (Discord, Mattermost, Teams); only the text when there is
/// no URL. Brackets in the text and parentheses in the URL are escaped so neither can end
/// the link early.
pub fn markdown_link(url: &str, text: &str, max: usize) -> String {
    let (text, _) = fit(text, max, plain);
    let text = text.replace('[', "\\[").replace(']', "\\]");
    if url.is_empty() {
        return text;
    }
    let url = url
        .replace('(', "%28")
        .replace(')', "%29")
        .replace(' ', "%20");
    format!("[{text}]({url})")
}

/// Discord's `allowed_mentions` for a `mention` setting: nothing may ping except what the
/// mention names (`<@id>` users, `<@&id>` roles, `@everyone`/`@here`).
pub fn discord_allowed_mentions(mention: &str) -> Value {
    let mut users = Vec::new();
    let mut roles = Vec::new();
    let mut rest = mention;
    while let Some(start) = rest.find("<@") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('>') else { break };
        let inner = &after[..end];
        let (is_role, id) = match inner.strip_prefix('&') {
            Some(id) => (true, id),
            None => (false, inner.trim_start_matches('!')),
        };
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            let list = if is_role { &mut roles } else { &mut users };
            if !list.contains(&id) {
                list.push(id);
            }
        }
        rest = &after[end..];
    }
    let everyone = mention.contains("@everyone") || mention.contains("@here");
    let parse: Vec<&str> = if everyone {
        vec!["everyone"]
    } else {
        Vec::new()
    };
    let mut allowed = json!({ "parse": parse });
    if !users.is_empty() {
        allowed["users"] = json!(users);
    }
    if !roles.is_empty() {
        allowed["roles"] = json!(roles);
    }
    allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_cuts_between_characters_and_whole_escapes() {
        assert_eq!(fit("héllo wörld", 6, plain), ("héllo…".into(), true));
        assert_eq!(fit("🎉🎉🎉", 2, plain), ("🎉…".into(), true));
        assert_eq!(fit("🎉🎉", 2, plain), ("🎉🎉".into(), false));
        assert_eq!(fit("abc", 0, plain), (String::new(), true));
        // "a<" escapes to "a&lt;" (5 characters); with room for 4 the escape goes whole.
        assert_eq!(fit("a<b", 4, slack).0, "a…");
        assert_eq!(fit("a<b", 6, slack).0, "a&lt;b");
        let (out, cut) = fit(&"<".repeat(1000), 3000, slack);
        assert!(cut && out.chars().count() <= 3000 && out.ends_with('…'));
        assert_eq!(out.trim_end_matches('…').len() % 4, 0);
    }

    #[test]
    fn each_markup_neutralises_its_own_dangers() {
        assert_eq!(
            fit("<!channel> & *b*", 100, slack).0,
            "&lt;!channel&gt; &amp; *b*"
        );
        assert_eq!(
            fit("<b>\"x\"</b>", 100, html).0,
            "&lt;b&gt;&quot;x&quot;&lt;/b&gt;"
        );
        let mm = fit(
            &inert_mentions("@channel <!here> (@all) widgets@main a < b"),
            100,
            plain,
        )
        .0;
        assert!(!mm.contains("@channel") && !mm.contains("<!here>") && !mm.contains("@all"));
        assert!(mm.contains("widgets@main") && mm.contains("a < b"), "{mm}");
        assert_eq!(
            mm.replace('\u{200B}', ""),
            "@channel <!here> (@all) widgets@main a < b"
        );
        let chat = fit("<users/all>", 100, google_chat).0;
        assert!(!chat.contains("<users/all>"));
    }

    #[test]
    fn links_cannot_be_broken_out_of() {
        assert_eq!(
            slack_link("https://x/a|b", "a <b>", 100),
            "<https://x/a%7Cb|a &lt;b&gt;>"
        );
        assert_eq!(slack_link("", "a&b", 100), "a&amp;b");
        assert_eq!(
            markdown_link("https://x/(y)", "[z]", 100),
            "[\\[z\\]](https://x/%28y%29)"
        );
        assert_eq!(markdown_link("", "z", 100), "z");
    }

    #[test]
    fn discord_mentions_allow_only_what_is_named() {
        assert_eq!(discord_allowed_mentions(""), json!({"parse": []}));
        assert_eq!(
            discord_allowed_mentions("<@123> <@!456> <@&789> <@123>"),
            json!({"parse": [], "users": ["123", "456"], "roles": ["789"]})
        );
        assert_eq!(
            discord_allowed_mentions("@here"),
            json!({"parse": ["everyone"]})
        );
        assert_eq!(discord_allowed_mentions("<@abc>"), json!({"parse": []}));
    }
}
