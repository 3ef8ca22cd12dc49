//! The e-mail itself: recipients from the `mailto:` URL, the sender, and a message with a
//! subject, a plain-text part and an HTML part; `Date` and `Message-ID` headers are set.

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use crate::error::UsageError;
use crate::url::percent_decode;

/// The addresses of a `mailto:` URL: `mailto:a@example.com,b@example.com`.
pub fn parse_recipients(url: &str) -> Result<Vec<Mailbox>, String> {
    let list = url.split_once(':').map_or("", |(_, rest)| rest);
    let list = list.split('?').next().unwrap_or("");
    if list.starts_with("//") {
        // Apprise's mailto://USER:PASSWORD@HOST names the server, not whom to write to.
        return Err(
            "write mailto:ADDRESS (no //): the address to write to; the mail \
             server goes in the smtp-url setting (smtp://USER:PASSWORD@HOST:PORT)"
                .into(),
        );
    }
    let recipients = parse_addresses(list)?;
    if recipients.is_empty() {
        return Err("no address after mailto:".into());
    }
    Ok(recipients)
}

/// `a@example.com,b@example.com`, percent-encoded or not (none at all is an empty list).
pub fn parse_addresses(list: &str) -> Result<Vec<Mailbox>, String> {
    let mut recipients = Vec::new();
    for address in list.split(',').map(|a| percent_decode(a.trim())) {
        if address.is_empty() {
            continue;
        }
        recipients.push(
            address
                .parse::<Mailbox>()
                .map_err(|_| format!("{address:?} is not an e-mail address"))?,
        );
    }
    Ok(recipients)
}

pub fn parse_sender(text: &str) -> Result<Mailbox, UsageError> {
    text.trim().parse::<Mailbox>().map_err(|_| {
        UsageError::setting_value(
            "email-from",
            text,
            "expected an e-mail address, e.g. CI <ci@example.com>",
        )
    })
}

/// The parts of one e-mail, rendered.
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Builds the message. CR and LF in the subject are folded into spaces, so user text cannot
/// add a header.
pub fn compose(from: &Mailbox, to: &[Mailbox], letter: Letter) -> Result<Message, String> {
    let subject: String = letter
        .subject
        .split(['\r', '\n'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let domain = from.email.domain().to_owned();
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(subject)
        .message_id(Some(format!("<{}@{domain}>", unique_id())))
        .user_agent(concat!("town-crier/", env!("CARGO_PKG_VERSION")).to_owned());
    for mailbox in to {
        builder = builder.to(mailbox.clone());
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(letter.text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(letter.html),
                ),
        )
        .map_err(|e| e.to_string())
}

fn unique_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    format!("{}.{random:016x}.crier", now.as_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_come_from_the_mailto_list() {
        let to = parse_recipients("mailto:a@example.com,%20b@example.com").unwrap();
        assert_eq!(to.len(), 2);
        assert_eq!(to[1].email.to_string(), "b@example.com");
        assert!(parse_recipients("mailto:").is_err());
        assert!(parse_recipients("mailto:not-an-address").is_err());
    }

    #[test]
    fn the_subject_cannot_carry_a_header() {
        let from: Mailbox = "CI <ci@example.com>".parse().unwrap();
        let to = vec!["dev@example.com".parse().unwrap()];
        let letter = Letter {
            subject: "Build failed\r\nBcc: victim@example.com".into(),
            text: "t".into(),
            html: "<p>h</p>".into(),
        };
        let message = compose(&from, &to, letter).unwrap();
        let formatted = String::from_utf8(message.formatted()).unwrap();
        assert!(!formatted.contains("\r\nBcc:"), "{formatted}");
        assert!(formatted.contains("Message-ID: <") && formatted.contains("@example.com>"));
        assert!(formatted.contains("Date: "));
        assert!(formatted.contains("multipart/alternative"));
    }
}
