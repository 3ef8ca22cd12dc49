//! Each destination's message, rendered from the context: a JSON payload for HTTP formats, an
//! e-mail for `mailto:`, a form for Pushover, lines for IRC. Everything is rendered before
//! anything is sent.

use serde_json::Value;

use crate::destination::{Destination, Kind};
use crate::email::{self, Letter, Outbox};
use crate::error::UsageError;
use crate::formats::{Options, Request};
use crate::render::{Renderer, TemplateError};
use crate::settings::{Settings, TemplateSource};

pub enum Message {
    /// The exact request to send.
    Json(Request),
    Email(lettre::Message),
    /// Form fields to POST (Pushover).
    Form(Vec<(String, String)>),
    /// Lines to say (IRC).
    Lines(Vec<String>),
}

impl Message {
    /// The message exactly as it would be sent, for `--print-payload`.
    pub fn printable(&self, destination: &Destination) -> String {
        match (self, &destination.kind) {
            (Message::Json(request), _) => request.body.clone(),
            (Message::Form(fields), _) => crate::pushover::printable(fields),
            (Message::Lines(lines), Kind::Irc(target)) => crate::irc::printable(target, lines),
            (Message::Lines(lines), _) => lines.join("\n"),
            (Message::Email(mail), _) => String::from_utf8_lossy(&mail.formatted())
                .trim_end()
                .to_owned(),
        }
    }
}

/// What rendering found worth telling: cuts made to fit limits, limits broken anyway, and
/// other remarks.
#[derive(Default)]
pub struct Notes {
    pub cuts: Vec<String>,
    pub problems: Vec<String>,
    pub remarks: Vec<String>,
}

fn template_error(e: TemplateError) -> UsageError {
    UsageError::new(e.message)
}

pub fn render(
    destination: &Destination,
    renderer: &Renderer,
    data: &Value,
    settings: &Settings,
    template: Option<&TemplateSource>,
    options: &Options,
    outbox: Option<&Outbox>,
) -> Result<(Message, Notes), UsageError> {
    let mut notes = Notes::default();
    match &destination.kind {
        Kind::Http { format, url } => {
            let (name, source) = match template {
                Some(t) => (t.name.clone(), t.text.as_str()),
                None => (
                    format!("built-in {} template", format.name()),
                    format.template(),
                ),
            };
            let payload = renderer
                .payload(&name, source, data)
                .map_err(template_error)?;
            notes
                .problems
                .extend(format.check(&payload.value, &payload.value.to_string()));
            notes.cuts = payload.cuts;
            let request = format
                .request(url, payload.value, options)
                .map_err(|why| UsageError::new(format!("{}: {why}", destination.label())))?;
            Ok((Message::Json(request), notes))
        }
        Kind::Email { to } => {
            let outbox = outbox.expect("an outbox exists when there are mailto: destinations");
            let subject = match &settings.email_subject {
                Some(source) => renderer.text("email-subject", source, data),
                None => Ok(data["title"].as_str().unwrap_or_default().to_owned()),
            }
            .map_err(template_error)?;
            let letter = Letter {
                subject,
                text: renderer
                    .text(
                        "built-in e-mail text template",
                        include_str!("../templates/email.txt"),
                        data,
                    )
                    .map_err(template_error)?,
                html: renderer
                    .html(
                        "built-in e-mail HTML template",
                        include_str!("../templates/email.html"),
                        data,
                    )
                    .map_err(template_error)?,
            };
            let mail = email::compose(&outbox.from, to, letter).map_err(|e| {
                UsageError::new(format!(
                    "{}: cannot compose the e-mail: {e}",
                    destination.label()
                ))
            })?;
            Ok((Message::Email(mail), notes))
        }
        Kind::Pushover(target) => {
            let (fields, cuts) = crate::pushover::form(target, data);
            notes.cuts = cuts;
            Ok((Message::Form(fields), notes))
        }
        Kind::Irc(_) => {
            let (lines, cuts) = crate::irc::lines(data);
            notes.cuts = cuts;
            Ok((Message::Lines(lines), notes))
        }
    }
}
