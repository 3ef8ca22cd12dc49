//! Shared test parts: a real HTTP server on 127.0.0.1 that records what it receives and
//! plays scripted answers, a runner for the real `crier` binary, and temporary directories.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Answer {
    Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Reads the request and never answers (until the server is dropped).
    Hang,
    /// Answers `status` with a body that echoes what it was sent in every encoding a server
    /// might: the target and headers raw, percent-decoded, base64-decoded, the body raw and
    /// JSON-escaped, and each again split across a line break.
    Echo(u16),
}

impl Answer {
    pub fn status(status: u16) -> Answer {
        Answer::Reply {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    pub fn body(status: u16, body: &str) -> Answer {
        Answer::Reply {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
        }
    }

    pub fn with_header(self, name: &str, value: &str) -> Answer {
        match self {
            Answer::Reply {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.to_owned(), value.to_owned()));
                Answer::Reply {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("the request body is JSON")
    }
}

struct Shared {
    requests: Mutex<Vec<Request>>,
    script: Mutex<VecDeque<Answer>>,
    /// Answers by the start of the request target, tried in order before the script.
    routes: Mutex<Vec<(String, Answer)>>,
    fallback: Answer,
    /// A template for answers that echo the request target: `{target}` is replaced.
    stop: AtomicBool,
}

pub struct Server {
    port: u16,
    shared: Arc<Shared>,
    tls: bool,
}

impl Server {
    /// A server that plays `script` in order, then answers `fallback` to every request.
    pub fn start(script: Vec<Answer>, fallback: Answer) -> Server {
        Server::start_with(script, fallback, None)
    }

    /// A server that answers by path: the first route whose text starts the request target
    /// (query included), else `fallback`.
    pub fn routed(routes: Vec<(String, Answer)>, fallback: Answer) -> Server {
        let server = Server::start_with(Vec::new(), fallback, None);
        // Set before any request can come: nothing knows the port yet.
        server.shared.routes.lock().unwrap().extend(routes);
        server
    }

    /// An HTTPS server presenting `tls`'s certificate.
    pub fn start_tls(script: Vec<Answer>, fallback: Answer, tls: &TestCa) -> Server {
        Server::start_with(script, fallback, Some(tls.server_config()))
    }

    fn start_with(
        script: Vec<Answer>,
        fallback: Answer,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared {
            requests: Mutex::new(Vec::new()),
            script: Mutex::new(script.into()),
            routes: Mutex::new(Vec::new()),
            fallback,
            stop: AtomicBool::new(false),
        });
        let accepting = Arc::clone(&shared);
        let is_tls = tls.is_some();
        thread::spawn(move || {
            for stream in listener.incoming() {
                if accepting.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let conn = Arc::clone(&accepting);
                let tls = tls.clone();
                thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    match tls {
                        None => serve(stream, &conn),
                        Some(config) => {
                            let Ok(session) = rustls::ServerConnection::new(config) else {
                                return;
                            };
                            serve(rustls::StreamOwned::new(session, stream), &conn)
                        }
                    }
                });
            }
        });
        Server {
            port,
            shared,
            tls: is_tls,
        }
    }

    /// A server that always answers `answer`.
    /// More routes, before the ones given already.
    pub fn add_routes(&self, routes: Vec<(String, Answer)>) {
        let mut all = self.shared.routes.lock().unwrap();
        let before = std::mem::take(&mut *all);
        all.extend(routes);
        all.extend(before);
    }

    pub fn always(answer: Answer) -> Server {
        Server::start(Vec::new(), answer)
    }

    pub fn url(&self, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}{path}", self.port)
    }

    /// The same server, named `localhost` (the name its test certificate carries).
    pub fn localhost_url(&self, path: &str) -> String {
        self.url(path).replace("127.0.0.1", "localhost")
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn requests(&self) -> Vec<Request> {
        self.shared.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve<S: Read + Write>(stream: S, shared: &Shared) {
    let mut reader = BufReader::new(stream);
    loop {
        let Some(request) = read_request(&mut reader) else {
            return;
        };
        let is_connect = request.method == "CONNECT";
        let target = request.target.clone();
        let echo = echo_of(&request);
        shared.requests.lock().unwrap().push(request);
        if is_connect {
            // Act as a proxy: open the tunnel, then serve what comes through it ourselves.
            let stream = reader.get_mut();
            let _ = stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
            let _ = stream.flush();
            continue;
        }
        let routed = shared
            .routes
            .lock()
            .unwrap()
            .iter()
            .find(|(start, _)| target.starts_with(start.as_str()))
            .map(|(_, answer)| answer.clone());
        let answer = routed.unwrap_or_else(|| {
            shared
                .script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or_else(|| shared.fallback.clone())
        });
        let answer = match answer {
            Answer::Echo(status) => Answer::body(status, &echo),
            other => other,
        };
        answer_with(reader.get_mut(), answer, &target, shared);
        return;
    }
}

/// What a careless server says back: everything it was sent, in every encoding.
fn echo_of(request: &Request) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut items = vec![request.target.clone(), percent_decode(&request.target)];
    // A payload is not a secret, but a small one may carry a template's variables.
    if request.body.len() < 200 {
        items.push(request.body.clone());
        items.push(serde_json::to_string(&request.body).unwrap());
    }
    let boring = [
        "host",
        "content-length",
        "content-type",
        "user-agent",
        "accept",
        "accept-encoding",
    ];
    for (name, value) in request
        .headers
        .iter()
        .filter(|(n, _)| !boring.contains(&n.to_ascii_lowercase().as_str()))
    {
        items.push(format!("{name}: {value}"));
        if let Some((_, credential)) = value.split_once(' ') {
            items.push(credential.to_owned());
            if let Ok(decoded) = b64.decode(credential) {
                items.push(String::from_utf8_lossy(&decoded).into_owned());
            }
        }
    }
    for pair in request.body.split('&') {
        if let Some((_, v)) = pair.split_once('=') {
            items.push(percent_decode(&v.replace('+', " ")));
        }
    }
    let mut echo = String::from("you sent:");
    for item in &items {
        echo.push_str(&format!("\n{item}"));
        // And split across a line break, as a wrapping server would.
        let mid = item
            .char_indices()
            .nth(item.chars().count() / 2)
            .map_or(0, |(i, _)| i);
        echo.push_str(&format!("\n{}\r\n{}", &item[..mid], &item[mid..]));
    }
    echo
}

pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn read_request<R: BufRead>(reader: &mut R) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((n, v)) = h.trim_end().split_once(':') {
            headers.push((n.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    Some(Request {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        at: Instant::now(),
    })
}

fn answer_with<W: Write>(stream: &mut W, answer: Answer, target: &str, shared: &Shared) {
    match answer {
        Answer::Hang | Answer::Echo(_) => {
            while !shared.stop.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(50));
            }
        }
        Answer::Reply {
            status,
            headers,
            body,
        } => {
            let body = body.replace("{target}", target);
            let mut head = format!(
                "HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (n, v) in headers {
                head.push_str(&format!("{n}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
            let _ = stream.flush();
        }
    }
}

/// A throwaway certificate authority and a server certificate it signed for `localhost` and
/// 127.0.0.1, made with the `openssl` command.
pub struct TestCa {
    pub dir: TempDir,
}

impl TestCa {
    pub fn new() -> TestCa {
        let dir = TempDir::new();
        dir.write(
            "server.ext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
        );
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        let steps: Vec<Vec<&str>> = vec![
            [
                &["req", "-x509"][..],
                &ec,
                &[
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=Town Crier Test CA",
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                ],
            ]
            .concat(),
            [
                &["req"][..],
                &ec,
                &[
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr",
                    "-subj",
                    "/CN=localhost",
                ],
            ]
            .concat(),
            vec![
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "server.ext",
            ],
        ];
        for args in steps {
            let out = Command::new("openssl")
                .args(&args)
                .current_dir(dir.path())
                .output()
                .expect("the openssl command is installed");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        TestCa { dir }
    }

    pub fn ca_file(&self) -> String {
        self.dir.file("ca.pem")
    }

    fn server_config(&self) -> Arc<rustls::ServerConfig> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(self.dir.file("server.pem"))
                .unwrap()
                .map(Result::unwrap)
                .collect();
        let key = PrivateKeyDer::from_pem_file(self.dir.file("server.key")).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        Arc::new(config)
    }
}

/// What a run of the binary left behind.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout and stderr together, for checks that nothing leaked anywhere.
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Runs the real `crier` with exactly this environment (nothing inherited, so the test
/// machine's own CI variables cannot leak in).
pub fn crier(args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_crier"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run crier");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the real `crier` like [`crier`], killing it if it is still running after `limit`, and
/// says how long it took.
pub fn crier_timed(args: &[&str], env: &[(&str, &str)], limit: Duration) -> (Run, Duration) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_crier"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run crier");
    while child.try_wait().expect("wait for crier").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    let took = start.elapsed();
    let output = child.wait_with_output().expect("crier's output");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    (run, took)
}

/// A TCP server on 127.0.0.1 that hands every connection to `behave`, on a thread of its
/// own: for servers that misbehave below HTTP (trickling, stalling, talking forever).
pub fn raw_server(behave: fn(TcpStream)) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || behave(stream));
        }
    });
    port
}

/// A directory removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "crier-test-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes a file and returns its path as text.
    pub fn write(&self, name: &str, contents: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_string_lossy().into_owned()
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.0.join(name)).unwrap_or_default()
    }

    pub fn file(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A commit message built to break naive payload templates.
pub const HOSTILE: &str =
    "Fix \"quotes\" and 'apostrophes' \\ backslashes\nnew line\r\ncarriage\ttab \
\u{0}nul \u{1b}[31mescape \u{7f} emoji 🎉👩‍👩‍👧 <!channel> <!here> @everyone @here \
<https://evil.example|click> {{title}} {{{raw}}} & &amp; </script>";

/// A GitHub Actions environment for a push to `main` of acme/widgets, with `event` written as
/// the event file.
pub fn github_env(dir: &TempDir, event_name: &str, event: &str) -> Vec<(String, String)> {
    let path = dir.write("event.json", event);
    vec![
        ("GITHUB_ACTIONS".into(), "true".into()),
        ("CI".into(), "true".into()),
        ("GITHUB_SERVER_URL".into(), "https://github.com".into()),
        ("GITHUB_REPOSITORY".into(), "acme/widgets".into()),
        ("GITHUB_EVENT_NAME".into(), event_name.into()),
        ("GITHUB_EVENT_PATH".into(), path),
        ("GITHUB_RUN_ID".into(), "9876543210".into()),
        ("GITHUB_RUN_NUMBER".into(), "42".into()),
        ("GITHUB_RUN_ATTEMPT".into(), "1".into()),
        ("GITHUB_ACTOR".into(), "octocat".into()),
        ("GITHUB_WORKFLOW".into(), "CI".into()),
        ("GITHUB_JOB".into(), "build".into()),
        (
            "GITHUB_SHA".into(),
            "ffffffffffffffffffffffffffffffffffffffff".into(),
        ),
        ("GITHUB_REF".into(), "refs/heads/main".into()),
        ("GITHUB_REF_NAME".into(), "main".into()),
        ("GITHUB_REF_TYPE".into(), "branch".into()),
    ]
}

/// A GitHub push of one commit (`2222…`) with `message`, by `author`, to acme/widgets' main.
pub fn push_event_by(message: &str, author: &str) -> String {
    serde_json::json!({
        "ref": "refs/heads/main",
        "before": "1111111111111111111111111111111111111111",
        "after": "2222222222222222222222222222222222222222",
        "head_commit": {
            "id": "2222222222222222222222222222222222222222",
            "message": message,
            "author": {"name": author, "email": "ada@example.com", "username": "ada"}
        },
        "repository": {"name": "widgets", "full_name": "acme/widgets", "html_url": "https://github.com/acme/widgets"},
        "sender": {"login": "octocat"}
    })
    .to_string()
}

/// [`push_event_by`] Ada.
pub fn push_event(message: &str) -> String {
    push_event_by(message, "Ada")
}

/// Borrowed view of owned pairs, for [`crier`].
pub fn pairs(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// A real SMTP server (aiosmtpd, see `tests/support/smtp_server.py`) on 127.0.0.1.
pub struct SmtpServer {
    child: std::process::Child,
    pub port: u16,
    out: TempDir,
}

impl SmtpServer {
    /// Starts the server with these options (`--starttls CERT KEY`, `--auth USER:PASS`, …).
    pub fn start(options: &[&str]) -> SmtpServer {
        let out = TempDir::new();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_server.py");
        // The Python that .ci/run sets up with aiosmtpd, else the one on the PATH.
        let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/.venv/bin/python");
        let python = if Path::new(venv).exists() {
            venv
        } else {
            "python3"
        };
        let mut child = Command::new(python)
            .arg(script)
            .arg("--out")
            .arg(out.path())
            .args(options)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // Its tracebacks for refused TLS handshakes are expected; keep them out of the way.
            .stderr(std::fs::File::create(out.path().join("server.log")).unwrap())
            .spawn()
            .expect("Python runs the test SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| {
                panic!("the SMTP server did not start (is aiosmtpd installed?): {line:?}")
            });
        SmtpServer { child, port, out }
    }

    /// The messages received so far, oldest first.
    pub fn received(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<_> = std::fs::read_dir(self.out.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free TCP port on 127.0.0.1 (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real IRC server (ngIRCd, from Debian) on 127.0.0.1, with `#secret` keyed `sesame` and,
/// when given a CA, a TLS port.
pub struct IrcServer {
    child: std::process::Child,
    pub port: u16,
    pub tls_port: u16,
    _dir: TempDir,
}

impl IrcServer {
    pub fn start(tls: Option<&TestCa>) -> IrcServer {
        let dir = TempDir::new();
        let (port, tls_port) = (free_port(), free_port());
        let ssl = match tls {
            Some(ca) => format!(
                "[SSL]\n\tCertFile = {}\n\tKeyFile = {}\n\tPorts = {tls_port}\n",
                ca.dir.file("server.pem"),
                ca.dir.file("server.key")
            ),
            None => String::new(),
        };
        let config = dir.write(
            "ngircd.conf",
            &format!(
                "[Global]\n\tName = irc.test.local\n\tInfo = crier test server\n\tListen = 127.0.0.1\n\
                 \tPorts = {port}\n\tPidFile = {}\n\tMotdPhrase = hello\n\
                 [Limits]\n\tPingTimeout = 120\n\tPongTimeout = 20\n\
                 [Options]\n\tIdent = no\n\tPAM = no\n\tDNS = no\n\
                 {ssl}\
                 [Channel]\n\tName = #secret\n\tModes = +tnk sesame\n",
                dir.file("ngircd.pid")
            ),
        );
        let child = Command::new("ngircd")
            .args(["-n", "-f", &config])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("ngircd.log")).unwrap())
            .spawn()
            .expect("ngircd is installed (Debian package ngircd)");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "ngircd did not start"
            );
            thread::sleep(Duration::from_millis(50));
        }
        IrcServer {
            child,
            port,
            tls_port,
            _dir: dir,
        }
    }
}

impl Drop for IrcServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client sitting in a channel, recording what it hears: `(nick, command, text)`.
pub struct IrcWatcher {
    heard: Arc<Mutex<Vec<(String, String, String)>>>,
}

impl IrcWatcher {
    /// Joins `channel` as `nick` and returns once the join took.
    pub fn join(port: u16, nick: &str, channel: &str, key: Option<&str>) -> IrcWatcher {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        write!(writer, "NICK {nick}\r\nUSER watcher 0 * :watcher\r\n").unwrap();
        let mut line = String::new();
        loop {
            line.clear();
            assert!(reader.read_line(&mut line).unwrap() > 0, "ngircd hung up");
            if let Some(rest) = line.strip_prefix("PING") {
                write!(writer, "PONG{rest}").unwrap();
            } else if line.contains(" 001 ") {
                match key {
                    Some(key) => write!(writer, "JOIN {channel} {key}\r\n").unwrap(),
                    None => write!(writer, "JOIN {channel}\r\n").unwrap(),
                }
            } else if line.contains(" 366 ") {
                break;
            }
        }
        let heard = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&heard);
        thread::spawn(move || {
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                let text = line.trim_end_matches(['\r', '\n']).to_owned();
                line.clear();
                if let Some(rest) = text.strip_prefix("PING") {
                    let _ = write!(writer, "PONG{rest}\r\n");
                    continue;
                }
                // :nick!user@host COMMAND params :text
                let Some(prefix) = text.strip_prefix(':') else {
                    continue;
                };
                let (source, rest) = prefix.split_once(' ').unwrap_or((prefix, ""));
                let nick = source.split('!').next().unwrap_or("").to_owned();
                let command = rest.split(' ').next().unwrap_or("").to_owned();
                let said = rest.split_once(" :").map_or("", |(_, t)| t).to_owned();
                record.lock().unwrap().push((nick, command, said));
            }
        });
        IrcWatcher { heard }
    }

    /// What was heard so far, once `done` says enough has been (or 10 seconds passed).
    pub fn heard_until(
        &self,
        done: impl Fn(&[(String, String, String)]) -> bool,
    ) -> Vec<(String, String, String)> {
        let started = Instant::now();
        loop {
            let heard = self.heard.lock().unwrap().clone();
            if done(&heard) || started.elapsed() > Duration::from_secs(10) {
                return heard;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}
