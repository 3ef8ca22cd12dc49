//! TLS and proxies: certificates are verified, a private CA named by SSL_CERT_FILE is trusted,
//! and HTTP(S)_PROXY / NO_PROXY are honoured.

mod common;

use common::{crier, Answer, Server, TestCa};

const STATUS: (&str, &str) = ("CRIER_STATUS", "success");

#[test]
fn a_private_ca_in_ssl_cert_file_is_trusted() {
    let ca = TestCa::new();
    let server = Server::start_tls(Vec::new(), Answer::body(200, "ok"), &ca);
    for to in [
        server.url("/hook"),
        format!("slack+{}", server.localhost_url("/hook")),
    ] {
        let run = crier(&["--to", &to], &[STATUS, ("SSL_CERT_FILE", &ca.ca_file())]);
        assert_eq!(run.code, 0, "{to}: {}", run.stderr);
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.method == "POST"));
}

#[test]
fn a_certificate_that_does_not_verify_is_refused_and_not_retried() {
    let ca = TestCa::new();
    let server = Server::start_tls(Vec::new(), Answer::status(200), &ca);
    let run = crier(&["--to", &server.url("/hook")], &[STATUS]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("certificate"), "{}", run.stderr);
    assert!(run.stderr.contains("not retried"), "{}", run.stderr);
    assert!(server.requests().is_empty());
    // Another CA does not help either.
    let other = TestCa::new();
    let run = crier(
        &["--to", &server.url("/hook")],
        &[STATUS, ("SSL_CERT_FILE", &other.ca_file())],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn an_unreadable_ssl_cert_file_is_a_usage_error() {
    let server = Server::always(Answer::status(200));
    for path in ["/no/such/ca.pem", "/etc/hostname"] {
        let run = crier(
            &["--to", &server.url("/x")],
            &[STATUS, ("SSL_CERT_FILE", path)],
        );
        assert_eq!(run.code, 2, "{path}: {}", run.stderr);
        assert!(run.stderr.contains("SSL_CERT_FILE"), "{}", run.stderr);
    }
    assert!(server.requests().is_empty());
}

/// The target port is closed, so the message can only arrive through the proxy.
#[test]
fn the_proxy_from_the_environment_is_used_unless_no_proxy_says_otherwise() {
    let proxy = Server::always(Answer::status(200));
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let to = format!("http://localhost:{closed}/hook");
    for variable in ["HTTP_PROXY", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"] {
        let before = proxy.requests().len();
        let run = crier(
            &["--to", &to, "--retries", "0"],
            &[STATUS, (variable, &proxy.url(""))],
        );
        assert_eq!(run.code, 0, "{variable}: {}", run.stderr);
        let requests = proxy.requests();
        assert_eq!(
            requests.len(),
            before + 2,
            "{variable}: a CONNECT, then the POST"
        );
        assert_eq!(requests[before].method, "CONNECT");
        assert_eq!(requests[before].target, format!("localhost:{closed}"));
        assert_eq!(requests[before + 1].method, "POST");
    }
    let before = proxy.requests().len();
    let run = crier(
        &["--to", &to, "--retries", "0"],
        &[
            STATUS,
            ("HTTP_PROXY", &proxy.url("")),
            ("NO_PROXY", "localhost"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("connection refused"), "{}", run.stderr);
    assert_eq!(
        proxy.requests().len(),
        before,
        "NO_PROXY bypasses the proxy"
    );
}
