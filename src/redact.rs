//! Keeping secrets out of every output. Webhook URLs are credentials, and so are tokens,
//! passwords and authorisation headers. Destinations are shown as scheme, host and a masked
//! path, and every byte crier writes passes through [`Redactor::scrub`].
//!
//! The redactor is one registry of secrets that derives every form a secret travels in
//! itself: raw, percent-encoded and -decoded, form-encoded, JSON-escaped, and base64 (alone,
//! and as the credentials of Basic auth and SMTP `AUTH`). It masks a secret even where a line
//! break splits it. Secrets known before the settings are understood (every URL-like argument,
//! broadly) are provisional: once the destinations are parsed, their services' own
//! declarations replace them, so ids and words the user needs back are not masked.

use std::borrow::Cow;
use std::sync::RwLock;

use base64::Engine;

use crate::url;

pub const MASK: &str = "***";

/// Environment variables that hold credentials crier may be handed, masked wherever they
/// appear.
pub const SECRET_VARIABLES: &[&str] = &[
    "AWS_SECRET_ACCESS_KEY",
    "GITHUB_TOKEN",
    "CI_JOB_TOKEN",
    "GITLAB_TOKEN",
];

/// Shorter secrets are not worth masking: they would mask common words.
const MIN_LEN: usize = 4;

/// A secret as a service declares it; the redactor masks every form it travels in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    Text(String),
    /// A user name and password, sent as Basic auth or SMTP `AUTH`.
    Login {
        user: String,
        password: String,
    },
    /// A secret crier made itself (the SES password): the CI runner is told to mask it too.
    Derived(String),
}

#[derive(Debug, Default)]
pub struct Redactor {
    /// Every form of every secret, longest first.
    forms: RwLock<Vec<String>>,
    /// Forms known before the destinations were parsed.
    provisional: RwLock<Vec<String>>,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// Remembers a secret and every form of it.
    pub fn add(&self, secret: &str) {
        let forms = forms(secret);
        insert(&self.forms, forms);
    }

    pub fn register(&self, secret: &Secret) {
        match secret {
            Secret::Text(text) | Secret::Derived(text) => self.add(text),
            Secret::Login { user, password } => self.add_login(user, password),
        }
    }

    /// Remembers a user name and password, and the base64 blobs they are sent as.
    pub fn add_login(&self, user: &str, password: &str) {
        self.add(password);
        let b64 = &base64::engine::general_purpose::STANDARD;
        for blob in [
            format!("{user}:{password}"),
            format!("\0{user}\0{password}"),
            format!("{user}\0{user}\0{password}"),
        ] {
            self.add(&b64.encode(blob));
        }
        self.add(&format!("{user}:{password}"));
    }

    /// A secret of a header (`Authorization: Bearer X`): the value, the value without its
    /// scheme word, and what a Basic value decodes to.
    pub fn add_header_value(&self, value: &str) {
        self.add(value);
        if let Some((scheme, credential)) = value.trim().split_once(' ') {
            self.add(credential);
            if scheme.eq_ignore_ascii_case("basic") {
                let decoded = base64::engine::general_purpose::STANDARD.decode(credential.trim());
                if let Some(text) = decoded.ok().and_then(|d| String::from_utf8(d).ok()) {
                    self.add(&text);
                    text.split(':').for_each(|part| self.add(part));
                }
            }
        }
    }

    /// Secrets known before the settings are understood, masked until [`Redactor::settle`].
    pub fn add_provisional(&self, secret: &str) {
        insert(&self.provisional, forms(secret));
    }

    /// Forgets the provisional secrets: the precise ones are registered now.
    pub fn settle(&self) {
        self.provisional
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// `text` with every form of every known secret replaced by `***`, also where a line
    /// break splits a secret. Text without a secret comes back as it is, uncopied.
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let forms = self.forms.read().unwrap_or_else(|e| e.into_inner());
        let provisional = self.provisional.read().unwrap_or_else(|e| e.into_inner());
        let bytes = text.as_bytes();
        let breaks = bytes.iter().any(|&b| b == b'\n' || b == b'\r');
        let mut masked: Vec<(usize, usize)> = Vec::new();
        for form in forms.iter().chain(provisional.iter()) {
            if breaks {
                let needle = form.as_bytes();
                let mut from = 0;
                while let Some(at) = bytes[from..].iter().position(|&b| b == needle[0]) {
                    let start = from + at;
                    if let Some(end) = match_across_breaks(bytes, start, needle) {
                        masked.push((start, end));
                    }
                    from = start + 1;
                }
            } else {
                masked.extend(
                    text.match_indices(form.as_str())
                        .map(|(i, m)| (i, i + m.len())),
                );
            }
        }
        if masked.is_empty() {
            return Cow::Borrowed(text);
        }
        masked.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end) in masked {
            if start > at {
                // A line break alone between two masks keeps them one.
                let gap = &text[at..start];
                if !(out.ends_with(MASK) && gap.bytes().all(|b| b == b'\n' || b == b'\r')) {
                    out.push_str(gap);
                    out.push_str(MASK);
                }
            } else if at == 0 {
                out.push_str(MASK);
            }
            at = at.max(end);
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }
}

/// The end of `needle` in `haystack` from `start`, where CR and LF may stand between any two
/// of its bytes.
fn match_across_breaks(haystack: &[u8], start: usize, needle: &[u8]) -> Option<usize> {
    let mut i = start;
    for (n, &b) in needle.iter().enumerate() {
        while n > 0
            && i < haystack.len()
            && haystack[i] != b
            && matches!(haystack[i], b'\n' | b'\r')
        {
            i += 1;
        }
        if haystack.get(i) != Some(&b) {
            return None;
        }
        i += 1;
    }
    Some(i)
}

fn insert(list: &RwLock<Vec<String>>, forms: Vec<String>) {
    let mut list = list.write().unwrap_or_else(|e| e.into_inner());
    for form in forms {
        if !list.contains(&form) {
            list.push(form);
        }
    }
    list.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// Every form a secret travels in.
fn forms(secret: &str) -> Vec<String> {
    let secret = secret.trim();
    if secret.chars().count() < MIN_LEN {
        return Vec::new();
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let json = serde_json::to_string(secret).expect("a string serialises");
    let json = json[1..json.len() - 1].to_owned();
    let candidates = [
        secret.to_owned(),
        url::percent_encode(secret, b"-._~/"),
        url::percent_encode(secret, b"-._~"),
        url::form_encode(secret),
        url::percent_decode(secret),
        json.clone(),
        // As Go's encoding/json writes it.
        json.replace('&', "\\u0026")
            .replace('<', "\\u003c")
            .replace('>', "\\u003e"),
        b64.encode(secret),
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(secret),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret),
    ];
    let mut out: Vec<String> = Vec::new();
    for form in candidates {
        if form.chars().count() >= MIN_LEN && !out.contains(&form) {
            out.push(form);
        }
    }
    out
}

/// Whether a URL path segment or query value looks like a credential rather than a word:
/// `T0123ABC`, `sEcReT`, a long random run. `services`, `workflows`, `triggers` do not.
fn token_like(text: &str) -> bool {
    let n = text.chars().count();
    let mixed = text
        .chars()
        .any(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    (n >= 6 && mixed) || n >= 24
}

/// The parts of a web URL that are secret: user information, the path and the query whole,
/// and their credential-like pieces on their own, so a server that echoes only the token is
/// caught too.
pub fn url_secrets(raw: &str) -> Vec<String> {
    let Some((_, rest)) = raw.split_once("://") else {
        return vec![raw.to_owned()];
    };
    let mut secrets = Vec::new();
    // Read both ways: a password with an unencoded `/`, `?` or `#` is masked whole.
    for parts in [url::parts(rest), url::credential_parts(rest)] {
        if let Some(userinfo) = parts.userinfo {
            secrets.push(userinfo.to_owned());
            secrets.extend(userinfo.split(':').map(str::to_owned));
        }
    }
    let tail = url::parts(rest).tail;
    if tail.len() > 1 {
        secrets.push(tail.to_owned());
        let (path, query, fragment) = url::split_tail(tail);
        secrets.push(path.to_owned());
        secrets.extend(path.split('/').filter(|s| token_like(s)).map(str::to_owned));
        secrets.push(query.to_owned());
        secrets.push(fragment.to_owned());
        for (key, value) in url::query_pairs(query) {
            let named_secret = is_sensitive_header(key) || key.eq_ignore_ascii_case("sig");
            if named_secret || token_like(&url::percent_decode(value)) {
                secrets.push(value.to_owned());
            }
        }
    }
    secrets.retain(|s| !s.is_empty() && s != "/");
    secrets
}

/// The user name and password of a web URL (`https://user:pw@host/`), sent as Basic auth.
pub fn url_login(raw: &str) -> Option<Secret> {
    let (_, rest) = raw.split_once("://")?;
    let (user, password) = url::parts(rest).userinfo?.split_once(':')?;
    Some(Secret::Login {
        user: url::percent_decode(user),
        password: url::percent_decode(password),
    })
}

/// Before a URL is understood: every part that might be secret, broadly.
pub fn provisional_secrets(raw: &str) -> Vec<String> {
    let Some((scheme, rest)) = raw.split_once("://").or_else(|| raw.split_once(':')) else {
        return vec![raw.to_owned()];
    };
    let mut secrets = url_secrets(raw);
    let authority = url::parts(rest).hostport;
    if !names_a_server(scheme) && authority.len() >= 6 {
        secrets.push(authority.to_owned());
    }
    for parts in [url::parts(rest), url::credential_parts(rest)] {
        // pushover://USER_KEY@APP_TOKEN, or USER_KEY:APP_TOKEN by mistake: even the "host"
        // can be a credential.
        if parts.userinfo.is_some() || !plain_host(parts.hostport) {
            secrets.push(parts.hostport.to_owned());
            secrets.extend(parts.hostport.split(':').map(str::to_owned));
        }
        let (path, query, _) = url::split_tail(parts.tail);
        secrets.extend(path.split('/').filter(|s| s.len() >= 6).map(str::to_owned));
        secrets.extend(url::query_pairs(query).iter().map(|(_, v)| v.to_string()));
    }
    secrets
}

/// `https://hooks.slack.com/***`: scheme and host (and port) only. Where the host cannot be
/// told for sure (an unencoded `@` or `/` in a password, `user:token` where a port would
/// be), nothing but the scheme is shown.
pub fn display_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return MASK.into();
    };
    let parts = url::parts(rest);
    if !names_a_server(scheme)
        || parts.hostport != url::credential_parts(rest).hostport
        || !plain_host(parts.hostport)
    {
        return format!("{scheme}://{MASK}");
    }
    if parts.tail.is_empty() || parts.tail == "/" {
        format!("{scheme}://{}{}", parts.hostport, parts.tail)
    } else {
        format!("{scheme}://{}/{MASK}", parts.hostport)
    }
}

/// Whether the authority of a `scheme://` URL is a server's name by definition. Other
/// tools' schemes put tokens there (`wxteams://TOKEN`, `tgram://BOT_TOKEN/…`), so for any
/// other scheme the "host" is treated as a secret.
fn names_a_server(scheme: &str) -> bool {
    let scheme = scheme.to_ascii_lowercase();
    let base = scheme.rsplit('+').next().unwrap_or("");
    matches!(base, "http" | "https") || matches!(scheme.as_str(), "smtp" | "smtps" | "irc" | "ircs")
}

/// `host`, `host:port` or `[v6]:port`, with nothing that could be a credential.
fn plain_host(hostport: &str) -> bool {
    let port = match hostport.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map_or("", |(_, after)| after),
        None => hostport.split_once(':').map_or("", |(_, p)| p),
    };
    let port = port.trim_start_matches(':');
    port.bytes().all(|b| b.is_ascii_digit())
        && !hostport.is_empty()
        && (hostport.starts_with('[') || hostport.matches(':').count() <= 1)
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
        // Without a colon we cannot tell the name from the value (`Name=value`, `Name value`):
        // show what can only be the name.
        None => {
            let name: String = line
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            format!("{name} …")
        }
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

    #[test]
    fn every_form_is_masked_and_words_are_not() {
        let r = Redactor::new();
        r.add("p@ss+w/rd");
        r.add_login("mailer", "hunter2!x");
        r.add_header_value("Bearer tok-3n-XYZ");
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        for leak in [
            "p@ss+w/rd".to_owned(),
            "p%40ss%2Bw%2Frd".to_owned(),
            "p%40ss%2Bw/rd".to_owned(),
            b64("mailer:hunter2!x"),
            b64("\0mailer\0hunter2!x"),
            "tok-3n-XYZ".to_owned(),
            "tok-3n\n-XYZ".to_owned(),
        ] {
            let said = format!("server said: {leak} (end)");
            let out = r.scrub(&said);
            assert!(!out.contains(&leak), "{leak:?} in {out:?}");
            assert!(out.contains("***") && out.ends_with("(end)"), "{out}");
        }
        let secrets = url_secrets("https://x.logic.azure.com/workflows/a1B2c3/triggers/manual/paths/invoke?sp=%2Ftriggers%2Fmanual&sig=Zx9sEcReT");
        assert!(!secrets.iter().any(|s| s == "workflows" || s == "triggers"));
        assert!(secrets.iter().any(|s| s == "Zx9sEcReT"));
    }
}
