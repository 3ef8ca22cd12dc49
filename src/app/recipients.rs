//! The run's recipients: every destination of the `to` setting and of the routes, parsed by
//! its service; their secrets; their messages; and which of them this run tells.

use std::sync::Arc;

use super::{merge_headers, route_data, route_name};
use crate::context::Context;
use crate::env::Env;
use crate::error::UsageError;
use crate::handles::{self, StateFile, Updates};
use crate::redact::{self, Redactor, Secret};
use crate::render::{Data, Renderer};
use crate::report::Report;
use crate::routes::{People, Route};
use crate::services::{self, Destination, Draft, Message, Setup};
use crate::settings::Settings;
use crate::status::Status;

/// A destination of this run: where it comes from and its key in the state file.
pub struct Recipient<'a> {
    /// Position in the run, from 1, so messages can tell two destinations on one host apart.
    pub index: usize,
    pub destination: Box<dyn Destination>,
    /// The route it comes from; none for the `to` setting.
    pub route: Option<&'a Route>,
    pub key: String,
    /// The URL as written, when it was another tool's form (its parts are secrets too).
    pub written: Option<String>,
}

impl Recipient<'_> {
    /// `[1] slack https://hooks.slack.com/***`: how messages name this destination.
    pub fn label(&self) -> String {
        format!(
            "[{}] {} {}",
            self.index,
            self.destination.spec().name,
            self.destination.shown()
        )
    }

    pub fn name(&self) -> &'static str {
        self.destination.spec().name
    }
}

/// Parses the `to` setting's destinations, then every route's. Errors show a URL masked.
pub fn parse_all<'a>(
    settings: &Settings,
    routes: &'a [Route],
    env: &Env,
) -> Result<Vec<Recipient<'a>>, UsageError> {
    let setup = Setup { settings, env };
    let to = settings.to.iter().map(|raw| (raw, None));
    let routed = routes
        .iter()
        .flat_map(|r| r.to.iter().map(move |raw| (raw, Some(r))));
    let mut recipients = Vec::new();
    for (raw, route) in to.chain(routed) {
        let raw = raw.trim();
        let refuse = |index: usize, why: String| {
            let e = format!("destination {index} ({}): {why}", redact::display_url(raw));
            match route {
                Some(r) => UsageError::new(format!("route {}: {e}", r.number)),
                None => UsageError::new(e),
            }
        };
        let urls = services::resolve(raw).map_err(|why| refuse(recipients.len() + 1, why))?;
        let several = urls.len() > 1;
        // Another tool's form, whose parts are secrets too.
        let foreign = several || urls.first().is_some_and(|u| u != raw);
        for url in urls {
            let index = recipients.len() + 1;
            let (service, url_sent) = services::route(&url).map_err(|why| refuse(index, why))?;
            let destination = service
                .open(&url_sent, &setup)
                .map_err(|why| refuse(index, why))?;
            // One target of several is told apart by crier's URL for it.
            let key = handles::key(destination.spec().name, if several { &url } else { raw });
            recipients.push(Recipient {
                index,
                destination,
                route,
                key,
                written: foreign.then(|| raw.to_owned()),
            });
        }
    }
    Ok(recipients)
}

/// The precise secrets of the run, replacing the provisional ones: what each destination
/// declares, the Slack token, credential headers, the SMTP URL's password, AWS's secret key.
pub fn register_secrets(
    recipients: &[Recipient],
    settings: &Settings,
    env: &Env,
    redactor: &Redactor,
    report: &Report,
) {
    redactor.settle();
    // Another tool's form is parsed into crier's, whose service declares its secrets; the
    // form as written carries the same credentials in other places (`hook:T…-B…-X…@`).
    for written in recipients.iter().filter_map(|r| r.written.as_deref()) {
        redact::url_secrets(written)
            .iter()
            .filter(|s| s.len() >= 8)
            .for_each(|s| redactor.add(s));
    }
    for recipient in recipients {
        for secret in recipient.destination.secrets() {
            if let Secret::Derived(derived) = &secret {
                // On GitHub, before anything else is printed: a secret crier made is one the
                // runner does not know of (the others come from its secret store).
                report.mask(derived);
            }
            redactor.register(&secret);
        }
    }
    let route_headers = recipients
        .iter()
        .filter_map(|r| r.route)
        .flat_map(|r| &r.headers);
    for (name, value) in settings.headers.iter().chain(route_headers) {
        if redact::is_sensitive_header(name) {
            redactor.add_header_value(value);
        }
    }
    if let Some(url) = &settings.smtp_url {
        redact::url_secrets(url)
            .iter()
            .for_each(|s| redactor.add(s));
    }
    for token in [
        &settings.slack_token,
        &settings.github_token,
        &settings.gitlab_token,
    ]
    .into_iter()
    .flatten()
    {
        redactor.add(token);
    }
    for name in redact::SECRET_VARIABLES {
        if let Some(secret) = env.get(name) {
            redactor.add(secret);
        }
    }
}

/// A recipient's rendered message, and what rendering it found worth telling.
pub struct Rendered {
    pub message: Arc<dyn Message>,
    pub notes: services::Notes,
}

/// Renders every recipient's message, for every route, matching or not: a template error
/// sends nothing, on any run.
pub fn prepare_all(
    recipients: &[Recipient],
    ctx: &Context,
    data: &mut Data,
    settings: &Settings,
    renderer: &Renderer,
    state: Option<&StateFile>,
    people: &People,
) -> Result<Vec<Rendered>, UsageError> {
    // `mention: author` names whoever the run is about, as each service knows them.
    let by_author = settings.mention.as_deref() == Some("author") && !ctx.mention.is_empty();
    let mut updates = Updates::new(&settings.update);
    let mut rendered = Vec::with_capacity(recipients.len());
    for recipient in recipients {
        let name = recipient.name();
        // The message to edit, if a handle names one: from `update`, else the state file.
        let wanted = updates.take(name).or_else(|| {
            let handle = state.and_then(|s| s.get(&recipient.key))?;
            handles::id_for(handle, name).map(str::to_owned)
        });
        let mut remarks = Vec::new();
        let edit = match (wanted, recipient.destination.can_edit()) {
            (Some(id), true) => Some(id),
            (Some(_), false) => {
                remarks.push(
                    "this destination cannot edit a message (it returns no id to edit by); \
                     posting a new one"
                        .to_owned(),
                );
                None
            }
            (None, _) => None,
        };
        let route = recipient.route;
        if by_author {
            data.value_mut()["mention"] = author_mention(ctx, people, name).into();
        }
        let own_data;
        let data = match route {
            Some(route) if !route.vars.is_empty() => {
                own_data = route_data(data, ctx, &route.vars, settings, renderer)?;
                &own_data
            }
            _ => &*data,
        };
        let headers = merge_headers(&settings.headers, route.map_or(&[][..], |r| &r.headers));
        let draft = Draft {
            renderer,
            data,
            template: route
                .and_then(|r| r.template.as_ref())
                .or(settings.template.as_ref()),
            edit: edit.as_deref(),
            thread: settings
                .thread
                .as_deref()
                .and_then(|t| handles::thread_for(t, name)),
            headers: &headers,
            settings,
        };
        let prepared = recipient
            .destination
            .prepare(&draft)
            .map_err(|why| UsageError::new(format!("{}: {why}", recipient.label())))?;
        let mut notes = prepared.notes;
        notes.remarks.splice(0..0, remarks);
        rendered.push(Rendered {
            message: prepared.message,
            notes,
        });
    }
    Ok(rendered)
}

/// Whoever the run is about (the commit's author, else the actor), as `service` names them
/// in `people`; someone without an entry there is named, not mentioned.
fn author_mention(ctx: &Context, people: &People, service: &str) -> String {
    let author = &ctx.commit.author;
    let keys = [&author.username, &author.email, &ctx.actor];
    for key in keys.into_iter().flatten() {
        let person = people.iter().find(|(k, _)| k.eq_ignore_ascii_case(key));
        if let Some(handle) = person.and_then(|(_, handles)| handles.get(service)) {
            return handle.clone();
        }
    }
    author
        .name
        .clone()
        .or_else(|| author.username.clone())
        .or_else(|| ctx.actor.clone())
        .unwrap_or_default()
}

/// A recipient this run tells, with what to send it.
pub struct Chosen<'r, 'a> {
    pub recipient: &'r Recipient<'a>,
    pub message: Arc<dyn Message>,
}

/// The recipients whose route matches the run and whose `on` takes the status; the others
/// are left out with a line saying why.
pub fn choose<'r, 'a>(
    recipients: &'r [Recipient<'a>],
    rendered: Vec<Rendered>,
    ctx: &Context,
    settings: &Settings,
    report: &Report,
) -> Vec<Chosen<'r, 'a>> {
    let status = ctx.status.unwrap_or(Status::Unknown);
    let mut chosen = Vec::new();
    let mut told = Vec::new();
    for (recipient, rendered) in recipients.iter().zip(rendered) {
        let route = recipient.route;
        let on = route.and_then(|r| r.on.as_ref()).unwrap_or(&settings.on);
        let verdict = match route.map(|r| r.matches(ctx)) {
            Some(Err(why)) => Err(why),

            _ if !on.matches_run(status, ctx.change) => Err(match ctx.change {
                Some(change) => format!(
                    "status `{}`, {}, is not one to notify on (on: {on})",
                    status.as_str(),
                    change.as_str().replace('_', " ")
                ),
                None => format!(
                    "status `{}` is not one to notify on (on: {on})",
                    status.as_str()
                ),
            }),
            _ => Ok(()),
        };
        let name = route_name(route);
        if !told.contains(&name) {
            match &verdict {
                Err(why) => report.line(&format!("{name}: not matched: {why}")),
                Ok(()) if recipients.iter().any(|r| r.route.is_some()) => {
                    report.line(&format!("{name}: matched"))
                }
                Ok(()) => {}
            }
            told.push(name);
        }
        if verdict.is_err() {
            continue;
        }
        let label = recipient.label();
        if !recipient.destination.takes(status) {
            report.line(&format!(
                "{label}: not sent: {} is told of failures and successes, not of `{}`",
                recipient.name(),
                status.as_str()
            ));
            continue;
        }
        for remark in &rendered.notes.remarks {
            report.line(&format!("{label}: {remark}"));
        }
        for cut in &rendered.notes.cuts {
            report.line(&format!("{label}: {cut} to fit the service's limits"));
        }
        for warning in &rendered.notes.warnings {
            report.warning(&format!("{label}: {warning}"));
        }
        for problem in &rendered.notes.problems {
            report.warning(&format!(
                "{label}: {problem}; the service may refuse the message"
            ));
        }
        chosen.push(Chosen {
            recipient,
            message: rendered.message,
        });
    }
    chosen
}
