//! One IRC session per attempt: register, join, say the lines, confirm, quit.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::super::Message;
use super::Target;
use crate::net::Net;
use crate::verdict::Verdict;

/// The pause between lines, so flood control does not drop or disconnect us.
const PAUSE: Duration = Duration::from_millis(400);
/// The PING token that confirms every PRIVMSG before it was processed.
const SYNC: &str = "crier-sync";

/// One destination's lines, delivered in one IRC session per attempt.
pub struct Session {
    pub target: Target,
    pub lines: Vec<String>,
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

impl Message for Session {
    fn printable(&self) -> Cow<'_, str> {
        Cow::Owned(super::printable(&self.target, &self.lines))
    }

    fn send(&self, net: &Net, timeout: Duration) -> Verdict {
        let tls = match self.target.tls {
            true => match net.tls() {
                Some(config) => Some(config),
                None => return Verdict::failed("TLS: cannot set up a client"),
            },
            false => None,
        };
        match self.run(Instant::now() + timeout, tls) {
            Ok(nick) => Verdict::delivered(format!(
                "{} line(s) to {} as {nick}",
                self.lines.len(),
                self.target.channel
            )),
            Err(Stop {
                retryable: true,
                reason,
            }) => Verdict::retry(reason),
            Err(Stop {
                retryable: false,
                reason,
            }) => Verdict::failed(reason),
        }
    }
}

/// A socket whose every read and write ends by one instant: a server that trickles a byte
/// at a time cannot stretch the attempt, as a per-read timeout would let it.
struct Bounded {
    tcp: TcpStream,
    deadline: Instant,
}

impl Bounded {
    fn left(&self) -> std::io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        Ok(left)
    }
}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.tcp.set_read_timeout(Some(left))?;
        self.tcp.read(buf)
    }
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.tcp.set_write_timeout(Some(left))?;
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tcp.flush()
    }
}

impl Session {
    fn connect(
        &self,
        deadline: Instant,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<Box<dyn Stream>, Stop> {
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
                    let tcp = Bounded { tcp, deadline };
                    return match &tls {
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
    fn run(
        &self,
        deadline: Instant,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<String, Stop> {
        let mut conn = Conn {
            stream: BufReader::new(self.connect(deadline, tls)?),
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
