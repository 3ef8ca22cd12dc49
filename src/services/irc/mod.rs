//! IRC: `irc://NICK@HOST:PORT/CHANNEL` (plaintext, port 6667) and `ircs://…` (TLS, port 6697,
//! certificate verified), with `?key=` for the channel key and `?password=` for the server
//! password. The client registers and waits for 001, answers PING at any time, tries another
//! nick on 433, joins, sends one PRIVMSG per line, confirms with a PING round trip that the
//! server processed them, and QUITs.
//!
//! Every line fits IRC's 512 bytes, and CR, LF and NUL in user text can never start a new
//! command: text is split into lines on them, and each line goes out as a PRIVMSG's text.

mod session;

use std::sync::Arc;

use serde_json::Value;

use super::{Destination, Draft, Notes, Prepared, Secret, Service, Setup, Spec};
use crate::url::percent_decode;

/// Bytes of text per PRIVMSG: 512 less CR LF, the command, and the `:nick!user@host ` prefix
/// the server adds when it relays the line. Channels longer than
/// [`SHORT_CHANNEL`] bytes take their excess from it.
const MAX_TEXT_BYTES: usize = 400;
const SHORT_CHANNEL: usize = 16;
/// Lines of the message body sent at most; a notification is not a log.
const MAX_BODY_LINES: usize = 5;

pub struct Irc;

static SPEC: Spec = Spec {
    name: "irc",
    about: "one PRIVMSG per line in an IRC channel",
    forms: &[
        "irc://NICK@HOST[:PORT]/CHANNEL",
        "ircs://NICK@HOST[:PORT]/CHANNEL",
    ],
    schemes: &["irc", "ircs"],
    hosts: &[],
    can_edit: false,
    template: None,
    max_bytes: None,
};

impl Service for Irc {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn open(&'static self, url: &str, _setup: &Setup) -> Result<Box<dyn Destination>, String> {
        Ok(Box::new(Target::parse(url)?))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub nick: String,
    pub host: String,
    pub port: u16,
    pub tls: bool,
    pub channel: String,
    pub key: Option<String>,
    pub password: Option<String>,
}

impl Target {
    pub fn parse(raw: &str) -> Result<Target, String> {
        let (scheme, rest) = raw.split_once("://").ok_or("not a URL")?;
        let (tls, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "irc" => (false, 6667),
            "ircs" => (true, 6697),
            _ => return Err("expected irc:// or ircs://".into()),
        };
        let (rest, fragment) = rest
            .split_once('#')
            .map_or((rest, None), |(r, f)| (r, Some(f)));
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (nick, hostport) = match authority.rsplit_once('@') {
            Some((nick, host)) => (percent_decode(nick), host),
            None => ("crier".to_owned(), authority),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("the port {p:?} is not a number"))?,
            ),
            _ => (hostport, default_port),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err("the URL has no host".into());
        }
        let name = match (percent_decode(path).trim_matches('/'), fragment) {
            ("", Some(f)) => percent_decode(f),
            (p, _) => p.to_owned(),
        };
        if name.is_empty() {
            return Err(
                "the URL names no channel, as in irc://crier@irc.example.com/builds".into(),
            );
        }
        let channel = if name.starts_with(['#', '&', '+', '!']) {
            name
        } else {
            format!("#{name}")
        };
        if channel.contains([' ', ',', '\x07', '\r', '\n', '\0']) {
            return Err("the channel name holds a character IRC does not allow".into());
        }
        if nick.is_empty() || nick.contains([' ', '\r', '\n', '\0', '@', '!', ':']) {
            return Err("the nick is empty or holds a character IRC does not allow".into());
        }
        let mut key = None;
        let mut password = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("key", v)) => key = Some(percent_decode(v)),
                Some(("password", v)) => password = Some(percent_decode(v)),
                _ => return Err("the only options are ?key= and ?password=".into()),
            }
        }
        for value in key.iter().chain(password.iter()) {
            if value.contains(['\r', '\n', '\0', ' ']) {
                return Err("a key or password may not hold spaces or line breaks".into());
            }
        }
        Ok(Target {
            nick,
            host: host.to_owned(),
            port,
            tls,
            channel,
            key,
            password,
        })
    }

    /// `ircs://irc.example.com:6697/#builds`: no credentials.
    pub fn shown(&self) -> String {
        let scheme = if self.tls { "ircs" } else { "irc" };
        format!("{scheme}://{}:{}/{}", self.host, self.port, self.channel)
    }
}

impl Destination for Target {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn shown(&self) -> String {
        Target::shown(self)
    }

    /// The nick and the channel are public; only the key and password are not.
    fn secrets(&self) -> Vec<Secret> {
        self.key
            .iter()
            .chain(self.password.iter())
            .map(|s| Secret::Text(s.clone()))
            .collect()
    }

    fn prepare(&self, draft: &Draft) -> Result<Prepared, String> {
        let budget = MAX_TEXT_BYTES - self.channel.len().saturating_sub(SHORT_CHANNEL);
        let (lines, cuts) = lines_within(draft.data.value(), budget);
        Ok(Prepared {
            message: Arc::new(session::Session {
                target: self.clone(),
                lines,
            }),
            notes: Notes {
                cuts,
                ..Notes::default()
            },
        })
    }
}

/// The lines to send for the run in `ctx`: the title (with the mention, and the run's link),
/// then the first lines of the message. Returns the lines and what was cut.
#[cfg(test)]
fn lines(ctx: &Value) -> (Vec<String>, Vec<String>) {
    lines_within(ctx, MAX_TEXT_BYTES)
}

/// [`lines`], each at most `budget` bytes.
fn lines_within(ctx: &Value, budget: usize) -> (Vec<String>, Vec<String>) {
    let text = |key: &str| ctx[key].as_str().unwrap_or_default();
    let mut first = String::new();
    if !text("mention").is_empty() {
        first.push_str(text("mention"));
        first.push_str(": ");
    }
    first.push_str(text("title"));
    if let Some(url) = ctx["run"]["url"].as_str().filter(|u| !u.is_empty()) {
        first.push_str(" — ");
        first.push_str(url);
    }
    let mut cuts = Vec::new();
    let mut out = Vec::new();
    out.extend(split_line(&first, budget));
    if let Some(failed) = super::failed_jobs_line(ctx) {
        out.extend(split_line(&failed, budget));
    }
    let body: Vec<&str> = text("message")
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    for (i, line) in body.iter().take(MAX_BODY_LINES).enumerate() {
        let mut line = (*line).to_owned();
        if i + 1 == MAX_BODY_LINES && body.len() > MAX_BODY_LINES {
            line.push_str(&format!(" … (+{} lines)", body.len() - MAX_BODY_LINES));
            cuts.push(format!(
                "message cut from {} to {MAX_BODY_LINES} lines",
                body.len()
            ));
        }
        out.extend(split_line(&line, budget));
    }
    (out, cuts)
}

/// One line of text as PRIVMSG texts of at most `budget` bytes, split between
/// characters. Control characters other than IRC's formatting codes become spaces.
fn split_line(line: &str, budget: usize) -> Vec<String> {
    let clean: String = line
        .chars()
        .map(|c| match c {
            '\x02' | '\x03' | '\x0f' | '\x16' | '\x1d' | '\x1f' => c,
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let mut parts = Vec::new();
    let mut current = String::new();
    for c in clean.chars() {
        if current.len() + c.len_utf8() > budget {
            parts.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        parts.push(current);
    }
    parts
}

/// The PRIVMSG commands, as `--print-payload` shows them.
pub fn printable(target: &Target, lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("PRIVMSG {} :{l}", target.channel))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn targets() {
        let t = Target::parse("irc://crier@irc.example.com/builds").unwrap();
        assert_eq!(
            (t.nick.as_str(), t.port, t.tls, t.channel.as_str()),
            ("crier", 6667, false, "#builds")
        );
        let t =
            Target::parse("ircs://bot@127.0.0.1:16697/%23ops?key=s%20x&password=pw").unwrap_err();
        assert!(t.contains("spaces"), "{t}");
        let t =
            Target::parse("ircs://bot@127.0.0.1:16697/%23ops?key=sesame&password=p%40w").unwrap();
        assert_eq!((t.port, t.tls, t.channel.as_str()), (16697, true, "#ops"));
        assert_eq!(
            (t.key.as_deref(), t.password.as_deref()),
            (Some("sesame"), Some("p@w"))
        );
        assert_eq!(
            Target::parse("irc://irc.example.com/#chan")
                .unwrap()
                .channel,
            "#chan"
        );
        assert!(Target::parse("irc://crier@irc.example.com").is_err());
        assert!(Target::parse("irc://crier@irc.example.com/a?nick=x").is_err());
        assert!(!Target::parse("irc://c@h/x?password=secret")
            .unwrap()
            .shown()
            .contains("secret"));
    }

    #[test]
    fn line_breaks_in_user_text_never_start_a_command() {
        let ctx = json!({"title": "Build failed", "mention": "", "run": {"url": "https://ci/1"},
                          "message": "fix\r\nQUIT :pwned\r\nPRIVMSG #other :x\0y"});
        let (lines, _) = lines(&ctx);
        assert_eq!(
            lines,
            [
                "Build failed — https://ci/1",
                "fix",
                "QUIT :pwned",
                "PRIVMSG #other :x y"
            ]
        );
        for line in &lines {
            assert!(!line.contains(['\r', '\n', '\0']));
        }
    }

    #[test]
    fn long_text_is_split_between_characters_within_the_line_limit() {
        let ctx = json!({"title": "🎉".repeat(300), "message": "a\nb\nc\nd\ne\nf\ng"});
        let (lines, cuts) = lines(&ctx);
        assert!(lines.iter().all(|l| l.len() <= MAX_TEXT_BYTES));
        assert_eq!(lines[..3].concat(), "🎉".repeat(300));
        assert_eq!(lines.last().unwrap(), "e … (+2 lines)");
        assert_eq!(cuts.len(), 1);
    }
}
