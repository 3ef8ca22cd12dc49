//! URL helpers shared by every service: scheme and authority splitting, percent-coding, query
//! pairs, `host:port`. A leaf: it imports nothing of ours.

/// `scheme://rest` or `scheme:rest` (as in `mailto:`). The scheme is lower-cased.
pub fn split_scheme(raw: &str) -> Option<(String, &str)> {
    let (scheme, rest) = raw.split_once("://").or_else(|| raw.split_once(':'))?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    valid.then(|| (scheme.to_ascii_lowercase(), rest))
}

/// The parts of what follows `scheme://`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parts<'a> {
    pub userinfo: Option<&'a str>,
    /// `host[:port]`, brackets of an IPv6 address kept.
    pub hostport: &'a str,
    /// From the first `/`, `?` or `#` after the authority on (may be empty).
    pub tail: &'a str,
}

/// Splits `rest` (after `scheme://`) as RFC 3986 does: the authority ends at the first `/`,
/// `?` or `#`. Right for web URLs, where those characters in a password must be encoded.
pub fn parts(rest: &str) -> Parts<'_> {
    let (authority, tail) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    Parts {
        userinfo,
        hostport,
        tail,
    }
}

/// Splits `rest` for URLs whose user information is a credential people paste as it is
/// (`smtp://user:p@ss/w?rd@host`): the user information runs to the last `@`.
pub fn credential_parts(rest: &str) -> Parts<'_> {
    match rest.rsplit_once('@') {
        Some((userinfo, after)) => {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            Parts {
                userinfo: Some(userinfo),
                hostport: &after[..end],
                tail: &after[end..],
            }
        }
        None => parts(rest),
    }
}

/// Path, query and fragment of a tail (`/a/b?x=1#f` → `/a/b`, `x=1`, `f`).
pub fn split_tail(tail: &str) -> (&str, &str, &str) {
    let (tail, fragment) = tail.split_once('#').unwrap_or((tail, ""));
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    (path, query, fragment)
}

/// `key=value` pairs of a query string (a pair without `=` has an empty value).
pub fn query_pairs(query: &str) -> Vec<(&str, &str)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect()
}

/// `%XX` escapes decoded; anything that is not one is kept as it is.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes every byte but ASCII letters, digits and those in `keep`.
pub fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `application/x-www-form-urlencoded` for one value: spaces become `+`.
pub fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `host[:port]` or `[v6]:port`, with `default_port` when none is given.
pub fn split_host_port(text: &str, default_port: u16) -> Result<(String, u16), String> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or("an unclosed [ in the host")?;
        (host, after.strip_prefix(':'))
    } else {
        match text.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (text, None),
        }
    };
    if host.is_empty() {
        return Err("the host is missing".into());
    }
    let port = match port {
        Some(p) => p
            .parse::<u16>()
            .map_err(|_| format!("the port {p:?} is not a number"))?,
        None => default_port,
    };
    Ok((host.to_owned(), port))
}

/// The host of a URL, lower-cased, without user information or port.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let hostport = parts(rest).hostport;
    let host = match hostport.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => hostport.split(':').next().unwrap_or(""),
    };
    host.to_ascii_lowercase()
}

/// Whether `host` is `domain` or one of its subdomains.
pub fn host_is(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_split_the_web_way_or_the_credential_way() {
        let p = parts("u:p@host:1/path?q#f");
        assert_eq!(
            (p.userinfo, p.hostport, p.tail),
            (Some("u:p"), "host:1", "/path?q#f")
        );
        let p = parts("host/a@b");
        assert_eq!((p.userinfo, p.hostport), (None, "host"));
        let p = credential_parts("user:p?a#s/s@mail.example.com:587?tls=none");
        assert_eq!(
            (p.userinfo, p.hostport, p.tail),
            (Some("user:p?a#s/s"), "mail.example.com:587", "?tls=none")
        );
        assert_eq!(split_tail("/a/b?x=1#f"), ("/a/b", "x=1", "f"));
    }

    #[test]
    fn percent_coding_round_trips() {
        assert_eq!(percent_decode("a%2Bb%2fc%zz%4"), "a+b/c%zz%4");
        assert_eq!(percent_decode("%41"), "A");
        assert_eq!(percent_encode("a+b/c", b"-._~"), "a%2Bb%2Fc");
        assert_eq!(form_encode("a b&c"), "a+b%26c");
    }

    #[test]
    fn hosts_and_ports() {
        assert_eq!(split_host_port("[::1]:25", 1).unwrap(), ("::1".into(), 25));
        assert_eq!(split_host_port("x", 587).unwrap(), ("x".into(), 587));
        assert!(split_host_port(":25", 1).is_err());
        assert!(split_host_port("x:port", 1).is_err());
        assert_eq!(
            host_of("https://u@Hooks.Slack.com:443/x"),
            "hooks.slack.com"
        );
        assert!(host_is("ptb.discord.com", "discord.com"));
        assert!(!host_is("evildiscord.com", "discord.com"));
        assert!(!host_is("discord.com.evil.example", "discord.com"));
        assert_eq!(
            query_pairs("a=1&b&c=x=y"),
            [("a", "1"), ("b", ""), ("c", "x=y")]
        );
    }
}
