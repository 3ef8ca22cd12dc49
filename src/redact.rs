//! Keeping secrets out of every output. Webhook URLs are credentials, and so are tokens,
//! passwords and authorisation headers. Destinations are shown as scheme, host and a masked
//! path, and every line we write passes through [`Redactor::scrub`], which also catches
//! secrets echoed inside error messages of libraries and servers.

use std::sync::RwLock;

pub const MASK: &str = "***";

/// The secrets of this run. Shared by every thread that writes output.
#[derive(Debug, Default)]
pub struct Redactor {
    secrets: RwLock<Vec<String>>,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// Remembers a secret. Very short strings are not worth masking (they would mask common
    /// words) and are not secrets worth the name.
    pub fn add(&self, secret: &str) {
        let secret = secret.trim();
        if secret.chars().count() < 4 {
            return;
        }
        let mut secrets = self.secrets.write().unwrap_or_else(|e| e.into_inner());
        if !secrets.iter().any(|s| s == secret) {
            secrets.push(secret.to_owned());
            // Longest first, so a secret containing another is masked whole.
            secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// `text` with every known secret, and its percent-encoded form, replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let secrets = self.secrets.read().unwrap_or_else(|e| e.into_inner());
        let mut out = text.to_owned();
        for secret in secrets.iter() {
            out = out.replace(secret.as_str(), MASK);
            for keep in [&b"-._~/"[..], &b"-._~"[..]] {
                let encoded = percent_encode(secret, keep);
                if encoded != *secret {
                    out = out.replace(&encoded, MASK);
                }
            }
        }
        out
    }
}

fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The parts of a URL that are secret: user information, the path, the query and the
/// fragment. Each is returned whole, and the path's and query's longer pieces on their own,
/// so a server that echoes only the token is caught too.
pub fn url_secrets(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    let Some((scheme, rest)) = url.split_once("://") else {
        secrets.push(url.to_owned());
        return secrets;
    };
    // In an IRC URL the nick and the channel are public; only the key and password are not.
    if scheme.eq_ignore_ascii_case("irc") || scheme.eq_ignore_ascii_case("ircs") {
        let query = rest.split_once('?').map_or("", |(_, q)| q);
        let query = query.split('#').next().unwrap_or("");
        return query
            .split('&')
            .filter_map(|pair| pair.split_once('=').map(|(_, v)| v.to_owned()))
            .collect();
    }
    let (authority, tail) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if let Some((userinfo, host)) = authority.rsplit_once('@') {
        secrets.push(userinfo.to_owned());
        secrets.extend(userinfo.split(':').map(str::to_owned));
        // pushover://USER_KEY@APP_TOKEN: the "host" is a credential too.
        if url.to_ascii_lowercase().starts_with("pushover://") {
            secrets.push(host.to_owned());
        }
    }
    if tail.len() > 1 {
        secrets.push(tail.to_owned());
        let (path, query) = tail.split_once(['?', '#']).unwrap_or((tail, ""));
        secrets.extend(
            path.split('/')
                .filter(|segment| segment.len() >= 6)
                .map(str::to_owned),
        );
        secrets.push(query.to_owned());
        for pair in query.split(['&', '#']) {
            secrets.push(pair.split_once('=').map_or(pair, |(_, v)| v).to_owned());
        }
    }
    secrets
}

/// `https://hooks.slack.com/***`: scheme and host (and port) only.
pub fn display_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return MASK.into();
    };
    let (authority, tail) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if tail.is_empty() || tail == "/" {
        format!("{scheme}://{host}{tail}")
    } else {
        format!("{scheme}://{host}/{MASK}")
    }
}

/// Whether an HTTP header carries a credential, judged by its name.
pub fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "auth",
        "token",
        "key",
        "secret",
        "signature",
        "password",
        "cookie",
        "session",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// A `headers` line for an error message: a credential's value is masked.
pub fn header_for_display(line: &str) -> String {
    match line.split_once(':') {
        Some((name, _)) if is_sensitive_header(name) => format!("{}: {MASK}", name.trim()),
        Some(_) => line.to_owned(),
        // Without a colon we cannot tell the name from the value: show the first word only.
        None => match line.trim().split_once(char::is_whitespace) {
            Some((first, _)) => format!("{first} …"),
            None => line.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_secret_parts() {
        assert_eq!(
            display_url("https://hooks.slack.com/services/T0/B0/XXXX"),
            "https://hooks.slack.com/***"
        );
        assert_eq!(
            display_url("http://user:pw@127.0.0.1:8080/x?y=z"),
            "http://127.0.0.1:8080/***"
        );
        assert_eq!(display_url("https://example.com/"), "https://example.com/");
        assert_eq!(
            display_url("https://example.com?token=abc"),
            "https://example.com/***"
        );
    }

    #[test]
    fn scrub_masks_every_secret_part_and_its_encoded_form() {
        let r = Redactor::new();
        for s in url_secrets(
            "https://user:hunter22@hooks.example.com/services/T0/B0/sEcReTtOkEn?sig=a+b/c==",
        ) {
            r.add(&s);
        }
        let text = "POST /services/T0/B0/sEcReTtOkEn failed; token sEcReTtOkEn; pw hunter22; sig a%2Bb%2Fc%3D%3D";
        let scrubbed = r.scrub(text);
        for leaked in ["sEcReTtOkEn", "hunter22", "a%2Bb%2Fc%3D%3D"] {
            assert!(!scrubbed.contains(leaked), "{scrubbed}");
        }
    }

    #[test]
    fn irc_urls_hide_only_their_key_and_password() {
        assert_eq!(
            url_secrets("ircs://crier@irc.example.com/builds?key=sesame&password=hunter22"),
            ["sesame", "hunter22"]
        );
    }

    #[test]
    fn sensitive_headers_are_recognised_and_masked() {
        assert!(is_sensitive_header("Authorization"));
        assert!(is_sensitive_header("X-Api-Key"));
        assert!(!is_sensitive_header("X-Team"));
        assert_eq!(
            header_for_display("Authorization: Bearer abc"),
            "Authorization: ***"
        );
        assert_eq!(
            header_for_display("Authorization Bearer abc"),
            "Authorization …"
        );
        assert_eq!(header_for_display("X-Team: a"), "X-Team: a");
    }
}
