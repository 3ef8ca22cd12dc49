//! IRC: `irc://NICK@HOST:PORT/CHANNEL` (plaintext, port 6667) and `ircs://…` (TLS, port 6697,
//! certificate verified), with `?key=` for the channel key and `?password=` for the server
//! password. The client registers and waits for 001, answers PING at any time, tries another
//! nick on 433, joins, sends one PRIVMSG per line, confirms with a PING round trip that the
//! server processed them, and QUITs.
//!
//! Every line fits IRC's 512 bytes, and CR, LF and NUL in user text can never start a new
//! command: text is split into lines on them, and each line goes out as a PRIVMSG's text.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::deliver::Attempt;
use crate::destination::percent_decode;
use crate::formats::Verdict;

/// Bytes of text per PRIVMSG: 512 less CR LF, the command, and the `:nick!user@host ` prefix
/// the server adds when it relays the line.
const MAX_TEXT_BYTES: usize = 400;
/// Lines of the message body sent at most; a notification is not a log.
const MAX_BODY_LINES: usize = 5;
/// The pause between lines, so flood control does not drop or disconnect us.
const PAUSE: Duration = Duration::from_millis(400);
/// The PING token that confirms every PRIVMSG before it was processed.
const SYNC: &str = "crier-sync";

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

/// The lines to send for the run in `ctx`: the title (with the mention, and the run's link),
/// then the first lines of the message. Returns the lines and what was cut.
pub fn lines(ctx: &Value) -> (Vec<String>, Vec<String>) {
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
    out.extend(split_line(&first));
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
        out.extend(split_line(&line));
    }
    (out, cuts)
}

/// One line of text as PRIVMSG texts of at most [`MAX_TEXT_BYTES`], split between
/// characters. Control characters other than IRC's formatting codes become spaces.
fn split_line(line: &str) -> Vec<String> {
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
        if current.len() + c.len_utf8() > MAX_TEXT_BYTES {
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

/// One destination's lines, delivered in one IRC session per attempt.
pub struct Session {
    pub target: Target,
    pub lines: Vec<String>,
    pub tls: Option<Arc<rustls::ClientConfig>>,
}

/// Why a session ended early, and whether another attempt could go better.
struct Stop {
    retryable: bool,
    reason: String,
}

fn retry(reason: impl Into<String>) -> Stop {
    Stop {
        retryable: true,
        reason: reason.into(),
    }
}

fn fail(reason: impl Into<String>) -> Stop {
    Stop {
        retryable: false,
        reason: reason.into(),
    }
}

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

impl Attempt for Session {
    fn attempt(&self, timeout: Duration) -> Verdict {
        match self.run(Instant::now() + timeout) {
            Ok(nick) => Verdict::Delivered {
                detail: format!(
                    "{} line(s) to {} as {nick}",
                    self.lines.len(),
                    self.target.channel
                ),
                message_id: None,
            },
            Err(Stop {
                retryable: true,
                reason,
            }) => Verdict::Retry {
                reason,
                after: None,
            },
            Err(Stop {
                retryable: false,
                reason,
            }) => Verdict::Failed { reason },
        }
    }
}

impl Session {
    fn connect(&self, deadline: Instant) -> Result<Box<dyn Stream>, Stop> {
        let addresses = (self.target.host.as_str(), self.target.port)
            .to_socket_addrs()
            .map_err(|_| retry("host not found"))?;
        let mut last = retry("host not found");
        for address in addresses {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(retry("no answer within the timeout"));
            }
            match TcpStream::connect_timeout(&address, left) {
                Ok(tcp) => {
                    let _ = tcp.set_read_timeout(Some(left));
                    let _ = tcp.set_write_timeout(Some(left));
                    return match &self.tls {
                        None => Ok(Box::new(tcp)),
                        Some(config) => {
                            let name =
                                rustls::pki_types::ServerName::try_from(self.target.host.clone())
                                    .map_err(|_| fail("the host is not a valid TLS server name"))?;
                            let session = rustls::ClientConnection::new(config.clone(), name)
                                .map_err(|e| fail(format!("TLS: {e}")))?;
                            Ok(Box::new(rustls::StreamOwned::new(session, tcp)))
                        }
                    };
                }
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    last = retry("connection refused")
                }
                Err(_) => last = retry("connection failed"),
            }
        }
        Err(last)
    }

    /// One session; returns the nick that sent the lines.
    fn run(&self, deadline: Instant) -> Result<String, Stop> {
        let mut conn = Conn {
            stream: BufReader::new(self.connect(deadline)?),
        };
        let target = &self.target;
        let nicks = nick_candidates(&target.nick);
        let mut nick = 0;
        if let Some(password) = &target.password {
            conn.send(&format!("PASS {password}"))?;
        }
        conn.send(&format!("NICK {}", nicks[nick]))?;
        conn.send("USER crier 0 * :Town Crier")?;
        let mut registered = false;
        let mut joined = false;
        loop {
            if Instant::now() >= deadline {
                return Err(retry("no answer within the timeout"));
            }
            let Some(message) = conn.receive()? else {
                return Err(retry("the server closed the connection"));
            };
            let trailing = message.params.last().cloned().unwrap_or_default();
            match message.command.as_str() {
                "PING" => conn.send(&format!("PONG :{trailing}"))?,
                "001" => {
                    registered = true;
                    match &target.key {
                        Some(key) => conn.send(&format!("JOIN {} {key}", target.channel))?,
                        None => conn.send(&format!("JOIN {}", target.channel))?,
                    }
                }
                "433" if !registered => {
                    nick += 1;
                    if nick == nicks.len() {
                        return Err(fail(format!(
                            "the nicks {} are all in use",
                            nicks.join(", ")
                        )));
                    }
                    conn.send(&format!("NICK {}", nicks[nick]))?;
                }
                "432" => {
                    return Err(fail(format!(
                        "the server refuses the nick {}: {trailing} (432)",
                        nicks[nick]
                    )))
                }
                "464" => {
                    return Err(fail(format!(
                        "the server password was refused: {trailing} (464)"
                    )))
                }
                "403" | "405" | "471" | "473" | "474" | "475" | "476" | "477" => {
                    return Err(fail(format!(
                        "cannot join {}: {trailing} ({})",
                        target.channel, message.command
                    )))
                }
                "401" | "404" | "442" => {
                    return Err(fail(format!(
                        "cannot send to {}: {trailing} ({})",
                        target.channel, message.command
                    )))
                }
                "ERROR" => return Err(fail(format!("the server ended the session: {trailing}"))),
                // End of NAMES: the join took.
                "366"
                    if !joined
                        && message
                            .params
                            .get(1)
                            .is_some_and(|c| c.eq_ignore_ascii_case(&target.channel)) =>
                {
                    joined = true;
                    for (i, line) in self.lines.iter().enumerate() {
                        if i > 0 {
                            std::thread::sleep(PAUSE);
                        }
                        conn.send(&format!("PRIVMSG {} :{line}", target.channel))?;
                    }
                    conn.send(&format!("PING :{SYNC}"))?;
                }
                "PONG" if joined && trailing == SYNC => {
                    conn.send("QUIT :Town Crier")?;
                    // Let the server see the QUIT through; its answer does not matter.
                    while let Ok(Some(m)) = conn.receive() {
                        if m.command == "ERROR" {
                            break;
                        }
                    }
                    return Ok(nicks[nick].clone());
                }
                _ => {}
            }
        }
    }
}

/// The nick, then variants for when it is taken, each within ngIRCd's (and RFC 2812's)
/// nine characters when the nick is.
fn nick_candidates(nick: &str) -> Vec<String> {
    let limit = nick.chars().count().max(9);
    let mut nicks = vec![nick.to_owned()];
    for suffix in ["_", "1", "2", "3"] {
        let base: String = nick.chars().take(limit - suffix.len()).collect();
        nicks.push(format!("{base}{suffix}"));
    }
    nicks.dedup();
    nicks
}

struct Conn {
    stream: BufReader<Box<dyn Stream>>,
}

struct Line {
    command: String,
    params: Vec<String>,
}

impl Conn {
    fn send(&mut self, line: &str) -> Result<(), Stop> {
        debug_assert!(!line.contains(['\r', '\n', '\0']) && line.len() <= 510);
        let stream = self.stream.get_mut();
        stream
            .write_all(format!("{line}\r\n").as_bytes())
            .and_then(|()| stream.flush())
            .map_err(|e| io_stop(&e))
    }

    /// The next message, or `None` when the server closed the connection.
    fn receive(&mut self) -> Result<Option<Line>, Stop> {
        let mut raw = Vec::new();
        match self.stream.read_until(b'\n', &mut raw) {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some(parse(&String::from_utf8_lossy(&raw)))),
            Err(e) => Err(io_stop(&e)),
        }
    }
}

fn io_stop(e: &std::io::Error) -> Stop {
    use std::io::ErrorKind::*;
    match e.kind() {
        WouldBlock | TimedOut => retry("no answer within the timeout"),
        InvalidData if e.to_string().contains("certificate") => {
            fail(format!("TLS: the server's certificate was refused ({e})"))
        }
        _ => retry(format!("the connection failed: {}", e.kind())),
    }
}

/// `[:prefix] COMMAND param… [:trailing]`.
fn parse(raw: &str) -> Line {
    let mut rest = raw.trim_end_matches(['\r', '\n']);
    if rest.starts_with(':') {
        rest = rest.split_once(' ').map_or("", |(_, r)| r);
    }
    let (head, trailing) = match rest.split_once(" :") {
        Some((h, t)) => (h, Some(t)),
        None => (rest, None),
    };
    let mut words = head.split(' ').filter(|w| !w.is_empty());
    let command = words.next().unwrap_or_default().to_ascii_uppercase();
    let mut params: Vec<String> = words.map(str::to_owned).collect();
    params.extend(trailing.map(str::to_owned));
    Line { command, params }
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

    #[test]
    fn messages_parse() {
        let m = parse(":irc.test 433 * crier :Nickname already in use\r\n");
        assert_eq!(m.command, "433");
        assert_eq!(m.params, ["*", "crier", "Nickname already in use"]);
        let m = parse("PING :abc\r\n");
        assert_eq!((m.command.as_str(), m.params[0].as_str()), ("PING", "abc"));
    }

    #[test]
    fn other_nicks_stay_within_nine_characters() {
        assert_eq!(
            nick_candidates("crier"),
            ["crier", "crier_", "crier1", "crier2", "crier3"]
        );
        assert_eq!(
            nick_candidates("ninechars"),
            [
                "ninechars",
                "ninechar_",
                "ninechar1",
                "ninechar2",
                "ninechar3"
            ]
        );
    }
}
