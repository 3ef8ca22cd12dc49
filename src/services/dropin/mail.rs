//! The e-mail forms of Apprise (`mailto://USER:PASSWORD@DOMAIN`, `mailtos://…`) and shoutrrr
//! (`smtp://USER:PASSWORD@HOST:PORT/?from=…&to=…`), which name a mail server, as crier's
//! `smtp(s)://USER:PASSWORD@HOST:PORT?to=…&from=…`.
//!
//! crier never sends mail in clear text for another tool's form: where Apprise's `mailto://`
//! or shoutrrr's `encryption=Auto` would fall back to plaintext, crier requires STARTTLS
//! (crier's own `smtp://…&tls=none` is plaintext on purpose).

use super::{list, Form, Translation};
use crate::url::{percent_decode, percent_encode, split_host_port};

pub(super) fn read(f: &Form) -> Option<Translation> {
    match f.scheme.as_str() {
        "mailto" | "mailtos" => Some(apprise(f)),
        "smtp" if SHOUTRRR_ONLY.iter().any(|k| f.has(k)) => Some(shoutrrr(f)),
        _ => None,
    }
}

/// Options only shoutrrr's `smtp://` has; without one, `smtp://` is crier's own form.
const SHOUTRRR_ONLY: &[&str] = &[
    "fromaddress",
    "toaddresses",
    "encryption",
    "usestarttls",
    "starttls",
    "fromname",
    "auth",
    "clienthost",
    "usehtml",
    "title",
];

/// How a server is reached.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Security {
    StartTls,
    Implicit,
    /// What the other tool would do in clear text; crier asks for STARTTLS.
    Opportunistic,
}

/// A mail provider Apprise knows by its domain (`apprise/plugins/email/templates.py`).
struct Provider {
    domains: &'static [&'static str],
    server: &'static str,
    port: u16,
    security: Security,
    login: Login,
}

/// The user name a provider expects.
#[derive(Clone, Copy, PartialEq)]
enum Login {
    /// The whole address (`USER` becomes `USER@DOMAIN`).
    Address,
    /// The part before the `@`.
    Id,
    AsGiven,
}

const PROVIDERS: &[Provider] = &[
    Provider::new(&["gmail.com"], "smtp.gmail.com", 587, Login::Address),
    Provider::implicit(
        &[
            "yandex.com",
            "yandex.ru",
            "yandex.ua",
            "yandex.by",
            "yandex.kz",
            "yandex.uz",
            "yandex.tr",
            "yandex.fr",
        ],
        "smtp.yandex.ru",
        Login::Id,
    ),
    Provider::new(
        &["hotmail.com", "live.com", "hotmail.com.au", "live.com.au"],
        "smtp-mail.outlook.com",
        587,
        Login::Address,
    ),
    Provider::new(
        &[
            "outlook.com",
            "smtp.outlook.com",
            "outlook.com.au",
            "smtp.outlook.com.au",
        ],
        "smtp.outlook.com",
        587,
        Login::Address,
    ),
    Provider::new(
        &["office365.com", "smtp.office365.com"],
        "smtp.office365.com",
        587,
        Login::AsGiven,
    ),
    Provider::implicit(
        &["yahoo.com", "yahoo.ca"],
        "smtp.mail.yahoo.com",
        Login::Address,
    ),
    Provider::new(
        &["gmx.com", "gmx.net", "gmx.de", "gmx.at", "gmx.ch", "gmx.fr"],
        "mail.gmx.com",
        587,
        Login::Address,
    ),
    Provider::implicit(
        &["fastmail.com", "fastmail.fm"],
        "smtp.fastmail.com",
        Login::Address,
    ),
    Provider::new(
        &["zoho.com", "zohomail.com"],
        "smtp.zoho.com",
        587,
        Login::Address,
    ),
    Provider::implicit(
        &["sendgrid.com", "sendgrid.net"],
        "smtp.sendgrid.net",
        Login::Id,
    ),
    Provider::implicit(&["163.com"], "smtp.163.com", Login::Address),
    Provider::new(
        &["qq.com", "foxmail.com"],
        "smtp.qq.com",
        587,
        Login::Address,
    ),
    Provider::implicit(&["comcast.net"], "smtp.comcast.net", Login::Address),
];

impl Provider {
    const fn new(
        domains: &'static [&'static str],
        server: &'static str,
        port: u16,
        login: Login,
    ) -> Provider {
        Provider {
            domains,
            server,
            port,
            security: Security::StartTls,
            login,
        }
    }

    const fn implicit(
        domains: &'static [&'static str],
        server: &'static str,
        login: Login,
    ) -> Provider {
        Provider {
            domains,
            server,
            port: 465,
            security: Security::Implicit,
            login,
        }
    }
}

/// Apprise's `mailto://USER:PASSWORD@DOMAIN[:PORT]/TO…?from=&name=&smtp=&mode=&to=`: the
/// server is `smtp=`, else the provider of DOMAIN, else DOMAIN itself; the sender `from=`,
/// else USER@DOMAIN; the recipients the path and `to=`, else the sender.
fn apprise(f: &Form) -> Translation {
    for unread in ["cc", "bcc", "pgp"] {
        if f.has(unread) {
            return Err(format!(
                "Apprise's {unread}= is not read: list every recipient in to="
            ));
        }
    }
    let decoded = |v: Option<&str>| v.map(percent_decode);
    let (user, password) = match f.userinfo {
        Some(info) => match info.split_once(':') {
            Some((u, p)) => (Some(percent_decode(u)), Some(percent_decode(p))),
            None => (Some(percent_decode(info)), None),
        },
        None => (None, None),
    };
    let mut user = decoded(f.param("user")).or(user);
    let password = decoded(f.param("pass")).or(password);
    let (domain, port) = split_host_port(f.host, 0).map_err(|why| format!("the host: {why}"))?;
    let sender = match &user {
        Some(u) => format!(
            "{}@{domain}",
            u.split(['@', ' ']).next().unwrap_or_default()
        ),
        None => return Err("expected mailto://USER:PASSWORD@DOMAIN?to=ADDRESS".into()),
    };
    let mode = match f.param("mode").map(str::to_ascii_lowercase).as_deref() {
        Some("ssl") => Some(Security::Implicit),
        Some("starttls") => Some(Security::StartTls),
        Some("insecure") => Some(Security::Opportunistic),
        Some(_) => return Err("mode= is ssl, starttls or insecure".into()),
        None => None,
    };
    let provider = match f.param("smtp") {
        Some(_) => None,
        None => PROVIDERS
            .iter()
            .find(|p| p.domains.iter().any(|d| d.eq_ignore_ascii_case(&domain))),
    };
    let security = mode
        .or(provider.map(|p| p.security))
        .unwrap_or(match f.scheme.as_str() {
            "mailtos" => Security::StartTls,
            _ => Security::Opportunistic,
        });
    let port = match (port, provider) {
        (0, Some(p)) => p.port,
        (0, None) => match security {
            Security::StartTls => 587,
            Security::Implicit => 465,
            Security::Opportunistic => 25,
        },
        (port, _) => port,
    };
    if let (Some(p), Some(u)) = (provider, user.as_mut()) {
        match (p.login, u.split_once('@')) {
            (Login::Id, Some((id, _))) => *u = id.to_owned(),
            (Login::Address, None) => *u = format!("{u}@{domain}"),
            _ => {}
        }
    }
    let server = decoded(f.param("smtp"))
        .or(provider.map(|p| p.server.to_owned()))
        .unwrap_or_else(|| domain.clone());
    let from = match (decoded(f.param("from")), decoded(f.param("name"))) {
        (Some(from), Some(name)) => format!("{name} <{from}>"),
        (Some(from), None) => from,
        (None, Some(name)) => format!("{name} <{sender}>"),
        (None, None) => sender.clone(),
    };
    let mut to = f.targets(0);
    if to.is_empty() {
        to.push(sender);
    }
    Ok(vec![crier_form(
        security,
        &server,
        port,
        user.as_deref(),
        password.as_deref(),
        &to,
        &from,
        None,
    )])
}

/// shoutrrr's `smtp://USER:PASSWORD@HOST[:25]/?from=&to=&encryption=&fromname=&subject=`.
fn shoutrrr(f: &Form) -> Translation {
    let (host, port) = split_host_port(f.host, 25).map_err(|why| format!("the host: {why}"))?;
    let (user, password) = match f
        .userinfo
        .filter(|_| !matches!(f.param("auth"), Some(a) if a.eq_ignore_ascii_case("none")))
    {
        Some(info) => match info.split_once(':') {
            Some((u, pw)) => (Some(percent_decode(u)), Some(percent_decode(pw))),
            None => (Some(percent_decode(info)), None),
        },
        None => (None, None),
    };
    let no = |key: &str| {
        matches!(
            f.param(key).map(str::to_ascii_lowercase).as_deref(),
            Some("no" | "false" | "0")
        )
    };
    let security = match f
        .param("encryption")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("none") => None,
        Some("implicittls") => Some(Security::Implicit),
        Some("explicittls") => Some(Security::StartTls),
        Some("auto") | None if port == 465 => Some(Security::Implicit),
        Some("auto") | None if no("usestarttls") || no("starttls") => None,
        Some("auto") | None => Some(Security::Opportunistic),
        Some(_) => return Err("encryption= is None, ExplicitTLS, ImplicitTLS or Auto".into()),
    };
    let from = percent_decode(
        f.param("fromaddress")
            .or_else(|| f.param("from"))
            .unwrap_or_default(),
    );
    let from = match f.param("fromname") {
        Some(name) if !from.is_empty() => format!("{} <{from}>", percent_decode(name)),
        _ => from,
    };
    let to = list(f.param("toaddresses").or_else(|| f.param("to")));
    let subject = f
        .param("subject")
        .or_else(|| f.param("title"))
        .map(percent_decode);
    let mut url = crier_form(
        security.unwrap_or(Security::StartTls),
        &host,
        port,
        user.as_deref(),
        password.as_deref(),
        &to,
        &from,
        subject.as_deref(),
    );
    if security.is_none() {
        url.push_str("&tls=none");
    }
    Ok(vec![url])
}

/// crier's own form, every part encoded.
#[allow(clippy::too_many_arguments)]
fn crier_form(
    security: Security,
    host: &str,
    port: u16,
    user: Option<&str>,
    password: Option<&str>,
    to: &[String],
    from: &str,
    subject: Option<&str>,
) -> String {
    let enc = |s: &str| percent_encode(s, b"-._~");
    let scheme = match security {
        Security::Implicit => "smtps",
        Security::StartTls | Security::Opportunistic => "smtp",
    };
    let login = match (user, password) {
        (Some(u), Some(p)) => format!("{}:{}@", enc(u), enc(p)),
        (Some(u), None) => format!("{}@", enc(u)),
        _ => String::new(),
    };
    let host = match host.contains(':') {
        true => format!("[{host}]"),
        false => host.to_owned(),
    };
    let to: Vec<String> = to.iter().map(|a| enc(a)).collect();
    let mut url = format!("{scheme}://{login}{host}:{port}?to={}", to.join(","));
    if !from.is_empty() {
        url.push_str(&format!("&from={}", enc(from)));
    }
    if let Some(subject) = subject {
        url.push_str(&format!("&subject={}", enc(subject)));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::super::translate;

    fn read(from: &str) -> String {
        match translate(from) {
            Some(Ok(urls)) if urls.len() == 1 => urls[0].clone(),
            other => panic!("{from}: {other:?}"),
        }
    }

    #[test]
    fn apprise_s_mailto_names_the_provider_s_server() {
        for (from, to) in [
            (
                "mailto://ada:app%2Fpw@gmail.com",
                "smtp://ada%40gmail.com:app%2Fpw@smtp.gmail.com:587?to=ada%40gmail.com&from=ada%40gmail.com",
            ),
            (
                "mailtos://ada:pw@yahoo.com?to=ops@example.com&name=CI",
                "smtps://ada%40yahoo.com:pw@smtp.mail.yahoo.com:465?to=ops%40example.com&from=CI%20%3Cada%40yahoo.com%3E",
            ),
            (
                "mailtos://ci:pw@example.com/dev@example.com/ops@example.com?smtp=mail.example.com&from=ci@example.com",
                "smtp://ci:pw@mail.example.com:587?to=dev%40example.com,ops%40example.com&from=ci%40example.com",
            ),
            (
                "mailtos://ci:pw@example.com:2465?mode=ssl&to=dev@example.com",
                "smtps://ci:pw@example.com:2465?to=dev%40example.com&from=ci%40example.com",
            ),
            // Apprise would send this in clear text on port 25; crier asks for STARTTLS there.
            (
                "mailto://ci:pw@example.com?to=dev@example.com",
                "smtp://ci:pw@example.com:25?to=dev%40example.com&from=ci%40example.com",
            ),
        ] {
            assert_eq!(read(from), to, "{from}");
        }
        assert!(translate("mailtos://a:b@example.com?cc=x@example.com")
            .unwrap()
            .is_err());
    }

    #[test]
    fn shoutrrr_s_smtp_keeps_its_port_and_encryption() {
        for (from, to) in [
            (
                "smtp://ci:p%40ss@mail.example.com/?fromAddress=ci@example.com&toAddresses=a@example.com,b@example.com&fromName=CI",
                "smtp://ci:p%40ss@mail.example.com:25?to=a%40example.com,b%40example.com&from=CI%20%3Cci%40example.com%3E",
            ),
            (
                "smtp://ci:pw@mail.example.com:465/?from=ci@example.com&to=a@example.com&encryption=Auto",
                "smtps://ci:pw@mail.example.com:465?to=a%40example.com&from=ci%40example.com",
            ),
            (
                "smtp://127.0.0.1:2525/?from=ci@example.com&to=a@example.com&encryption=None&subject=Hi",
                "smtp://127.0.0.1:2525?to=a%40example.com&from=ci%40example.com&subject=Hi&tls=none",
            ),
        ] {
            assert_eq!(read(from), to, "{from}");
        }
    }
}
