//! One run, start to finish: settings → context → render → deliver → report.

use std::collections::BTreeMap;

use clap::error::ErrorKind;
use clap::Parser;
use serde_json::Value;

use crate::context::{self, Context};
use crate::deliver::{self, Job, Policy};
use crate::destination::{Destination, Kind};
use crate::email::{self, Mail, MailServer, Outbox, TlsMode};
use crate::env::Env;
use crate::error::UsageError;
use crate::formats::Options;
use crate::handles::{self, StateFile, Updates};
use crate::http::{Http, Post};
use crate::message::{self, Message, Notes};
use crate::redact::{is_sensitive_header, url_secrets, Redactor};
use crate::render::Renderer;
use crate::report::{Report, RunResult};
use crate::routes::Route;
use crate::settings::{Layer, Settings};

/// Exit statuses of SPEC §7.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Runs crier with these arguments (the first is the program name) and environment, and
/// returns the exit status.
pub fn run(args: Vec<String>, env: &Env) -> i32 {
    let cli = match Layer::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            print!("{e}");
            return EXIT_OK;
        }
        Err(e) => {
            eprintln!("crier: error: {}", UsageError::from_clap(e));
            return EXIT_USAGE;
        }
    };
    let redactor = Redactor::new();
    let report = Report::new(env, &redactor);
    match execute(cli, env, &redactor, &report) {
        Ok(code) => code,
        Err(e) => {
            report.error(&format!("{e} (nothing was sent)"));
            EXIT_USAGE
        }
    }
}

fn execute(cli: Layer, env: &Env, redactor: &Redactor, report: &Report) -> Result<i32, UsageError> {
    // Secrets are known before anything can be printed, so every line can be scrubbed.
    for raw in cli.to.iter().chain(env_lists(env, "to").iter()) {
        url_secrets(raw).iter().for_each(|s| redactor.add(s));
    }
    let (settings, warnings) = Settings::load(cli, env)?;
    register_secrets(&settings, env, redactor);

    // Every route's destinations are parsed now, matching or not: a broken one is an error
    // on every run, not only on the run that would have used it.
    let candidates = candidates(&settings)?;
    let wants_mail = candidates
        .iter()
        .any(|(d, _, _)| matches!(d.kind, Kind::Email { .. }));
    let outbox = match wants_mail {
        true => Some(Outbox::from_settings(&settings, env)?),
        false => None,
    };
    if let Some(password) = outbox.as_ref().and_then(|o| o.server.derived_password()) {
        // On GitHub, before anything else is printed: a derived SES password is a secret
        // the runner does not know of (the others come from its secret store).
        report.mask(password);
    }

    for warning in warnings {
        report.line(&format!("note: {warning}"));
    }
    for (destination, _, _) in &candidates {
        if let Kind::Http { format, url } = &destination.kind {
            if let Some(notice) = format.notice(url) {
                report.warning(&format!("{}: {notice}", destination.label()));
            }
        }
    }

    let mut notes = Vec::new();
    let ctx = context::detect(env, &settings, &mut notes)?;
    for note in notes {
        report.line(&format!("note: {note}"));
    }

    let renderer = Renderer::new();
    let data = template_data(&ctx, &BTreeMap::new(), &settings, &renderer)?;

    if settings.print_context {
        println!(
            "{}",
            serde_json::to_string_pretty(&data).expect("the context serialises")
        );
        return Ok(EXIT_OK);
    }
    if candidates.is_empty() {
        return Err(UsageError::setting(
            "to",
            "is required: give at least one destination (--to, INPUT_TO, PLUGIN_TO or CRIER_TO), \
             or routes in a `config` file",
        ));
    }

    let mut state = settings
        .state_file
        .as_deref()
        .map(StateFile::load)
        .transpose()?;
    let rendered = render_all(
        &candidates,
        &ctx,
        &data,
        &settings,
        &renderer,
        outbox.as_ref(),
        state.as_ref(),
    )?;
    let chosen = choose(&candidates, rendered, &ctx, &settings, report);
    if chosen.is_empty() {
        let note = "nothing to send: no destination is for this run";
        report.line(note);
        if !settings.dry_run {
            report.finish(RunResult::Skipped, &[], note);
        }
        return Ok(EXIT_OK);
    }
    if settings.dry_run {
        for chosen in &chosen {
            let via = match (&chosen.destination.kind, &outbox) {
                (Kind::Email { .. }, Some(outbox)) => format!(" via {}", outbox.server.shown),
                _ => String::new(),
            };
            report.line(&format!("payload for {}{via}:", chosen.destination.label()));
            println!("{}", chosen.message.printable(chosen.destination));
        }
        return Ok(EXIT_OK);
    }
    let outcomes = send(
        chosen,
        &settings,
        env,
        outbox.as_ref(),
        state.as_mut(),
        report,
    )?;
    Ok(conclude(&outcomes, &settings, report))
}

/// A message rendered for a candidate, and what rendering it found worth telling.
type Rendered = (Message, Notes);

/// Renders every candidate's message, for every route, matching or not: a template error
/// sends nothing, on any run.
fn render_all(
    candidates: &[Candidate],
    ctx: &Context,
    data: &Value,
    settings: &Settings,
    renderer: &Renderer,
    outbox: Option<&Outbox>,
    state: Option<&StateFile>,
) -> Result<Vec<Rendered>, UsageError> {
    let mut updates = Updates::new(&settings.update);
    let mut rendered = Vec::with_capacity(candidates.len());
    for (destination, route, key) in candidates {
        // The message to edit, if a handle names one: from `update`, else the state file.
        let name = destination.format_name();
        let wanted = updates.take(name).or_else(|| {
            let handle = state.and_then(|s| s.get(key))?;
            handles::id_for(handle, name).map(str::to_owned)
        });
        let can_edit = matches!(&destination.kind, Kind::Http { format, .. } if format.can_edit());
        let mut remarks = Vec::new();
        let edit = match (wanted, can_edit) {
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
        let options = Options {
            edit: edit.as_deref(),
            thread: settings
                .thread
                .as_deref()
                .map(|t| handles::id_for(t, name).unwrap_or(t)),
            slack_token: settings.slack_token.as_deref(),
        };
        let route_data;
        let data = match route {
            Some(route) if !route.vars.is_empty() => {
                route_data = template_data(ctx, &route.vars, settings, renderer)?;
                &route_data
            }
            _ => data,
        };
        let template = route
            .and_then(|r| r.template.as_ref())
            .or(settings.template.as_ref());
        let (message, mut notes) = message::render(
            destination,
            renderer,
            data,
            settings,
            template,
            &options,
            outbox,
        )?;
        notes.remarks.extend(remarks);
        rendered.push((message, notes));
    }
    Ok(rendered)
}

/// A destination this run tells, with what to send it.
struct Chosen<'a> {
    destination: &'a Destination,
    /// The settings' headers with its route's over them.
    headers: Vec<(String, String)>,
    message: Message,
    /// Its key in the state file.
    key: &'a str,
}

/// The candidates whose route matches the run and whose `on` takes the status; the others
/// are left out with a line saying why.
fn choose<'a>(
    candidates: &'a [Candidate],
    rendered: Vec<Rendered>,
    ctx: &Context,
    settings: &Settings,
    report: &Report,
) -> Vec<Chosen<'a>> {
    let status = ctx.status.unwrap_or(crate::status::Status::Unknown);
    let mut chosen = Vec::new();
    let mut told = Vec::new();
    for ((destination, route, key), (message, notes)) in candidates.iter().zip(rendered) {
        let on = route.and_then(|r| r.on.as_ref()).unwrap_or(&settings.on);
        let verdict = match route.map(|r| r.matches(ctx)) {
            Some(Err(why)) => Err(why),
            _ if !on.matches(status) => Err(format!(
                "status `{}` is not one to notify on (on: {on})",
                status.as_str()
            )),
            _ => Ok(()),
        };
        let name = route.map_or("the `to` setting".to_owned(), |r| {
            format!("route {}", r.number)
        });
        if !told.contains(&name) {
            match &verdict {
                Err(why) => report.line(&format!("{name}: not matched: {why}")),
                Ok(()) if !settings.routes.is_empty() => report.line(&format!("{name}: matched")),
                Ok(()) => {}
            }
            told.push(name);
        }
        if verdict.is_err() {
            continue;
        }
        let label = destination.label();
        for remark in &notes.remarks {
            report.line(&format!("{label}: {remark}"));
        }
        for cut in &notes.cuts {
            report.line(&format!("{label}: {cut} to fit the service's limits"));
        }
        for problem in &notes.problems {
            report.warning(&format!(
                "{label}: {problem}; the service may refuse the message"
            ));
        }
        chosen.push(Chosen {
            destination,
            headers: merge_headers(&settings.headers, route.map_or(&[][..], |r| &r.headers)),
            message,
            key,
        });
    }
    chosen
}

/// Sends every chosen message, concurrently. Message ids come back as handles
/// (`FORMAT:ID`), which the state file keeps when there is one.
fn send(
    chosen: Vec<Chosen>,
    settings: &Settings,
    env: &Env,
    outbox: Option<&Outbox>,
    mut state: Option<&mut StateFile>,
    report: &Report,
) -> Result<Vec<deliver::Outcome>, UsageError> {
    // Clients and TLS only for the kinds of destination this run has.
    let kinds = || chosen.iter().map(|c| &c.destination.kind);
    let http = kinds()
        .any(|k| matches!(k, Kind::Http { .. } | Kind::Pushover(_)))
        .then(|| Http::new(env))
        .transpose()?;
    let irc_tls = kinds()
        .any(|k| matches!(k, Kind::Irc(target) if target.tls))
        .then(|| crate::tls::client_config(&crate::tls::private_ca(env)?))
        .transpose()?;
    let mail_tls = match outbox {
        Some(outbox) if outbox.server.tls != TlsMode::None => {
            Some(email::tls_parameters(&outbox.server.host, env)?)
        }
        _ => None,
    };
    let kept: Vec<(&'static str, String)> = chosen
        .iter()
        .map(|c| (c.destination.format_name(), c.key.to_owned()))
        .collect();
    let jobs = chosen
        .into_iter()
        .map(|chosen| {
            let destination = chosen.destination;
            let sender: Box<dyn deliver::Attempt + '_> = match (&destination.kind, chosen.message) {
                (Kind::Http { format, .. }, Message::Json(mut request)) => {
                    request.headers = merge_headers(&request.headers, &chosen.headers);
                    Box::new(Post {
                        http: http.as_ref().expect("a client for HTTP destinations"),
                        format: *format,
                        request,
                    })
                }
                (Kind::Email { .. }, Message::Email(message)) => Box::new(Mail {
                    server: outbox
                        .expect("an outbox for mailto: destinations")
                        .server
                        .clone(),
                    tls: mail_tls.clone(),
                    message,
                }),
                (Kind::Pushover(target), Message::Form(fields)) => {
                    Box::new(crate::pushover::Post {
                        http: http.as_ref().expect("a client for Pushover destinations"),
                        endpoint: target.endpoint.clone(),
                        fields,
                    })
                }
                (Kind::Irc(target), Message::Lines(lines)) => Box::new(crate::irc::Session {
                    target: target.clone(),
                    lines,
                    tls: irc_tls.clone().filter(|_| target.tls),
                }),
                _ => unreachable!("messages are rendered for their destination's kind"),
            };
            Job {
                label: destination.label(),
                sender,
            }
        })
        .collect();
    let policy = Policy {
        retries: settings.retries,
        timeout: settings.timeout,
        deadline: settings.deadline,
    };
    let mut outcomes = deliver::deliver_all(jobs, policy, &|line| report.line(line));
    for (outcome, (format, key)) in outcomes.iter_mut().zip(kept) {
        if let Some(id) = outcome.message_id.take() {
            let handle = handles::handle(format, &id);
            if let Some(state) = state.as_deref_mut() {
                state.set(key, handle.clone());
            }
            outcome.message_id = Some(handle);
        }
    }
    if let (Some(state), Some(path)) = (state, &settings.state_file) {
        if let Err(why) = state.save() {
            report.warning(&format!(
                "cannot write the state file {}: {why}",
                path.display()
            ));
        }
    }
    Ok(outcomes)
}

/// The outputs and summary, an annotation per failure, and the exit status.
fn conclude(outcomes: &[deliver::Outcome], settings: &Settings, report: &Report) -> i32 {
    report.finish(RunResult::of(outcomes), outcomes, "");
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.delivered).collect();
    if failed.is_empty() {
        report.line(&format!("sent to {} destination(s)", outcomes.len()));
        return EXIT_OK;
    }
    for outcome in &failed {
        let text = format!("{} was not notified: {}", outcome.label, outcome.detail);
        if settings.fail_on_error {
            report.error(&text);
        } else {
            report.warning(&text);
        }
    }
    if settings.fail_on_error {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// A destination, the route it comes from (none for the `to` setting), and its key in the
/// state file.
type Candidate<'a> = (Destination, Option<&'a Route>, String);

fn candidates(settings: &Settings) -> Result<Vec<Candidate<'_>>, UsageError> {
    let mut candidates: Vec<Candidate> = Vec::new();
    let to = settings.to.iter().map(|raw| (raw, None));
    let routed = settings
        .routes
        .iter()
        .flat_map(|r| r.to.iter().map(move |raw| (raw, Some(r))));
    for (raw, route) in to.chain(routed) {
        let destination =
            Destination::parse(candidates.len() + 1, raw).map_err(|e| match route {
                Some(r) => UsageError::new(format!("route {}: {e}", r.number)),
                None => e,
            })?;
        let key = handles::key(destination.format_name(), raw);
        candidates.push((destination, route, key));
    }
    Ok(candidates)
}

/// The template context as JSON, with `extra` variables, and `title` and `message` rendered
/// from their templates over it.
fn template_data(
    ctx: &Context,
    extra: &BTreeMap<String, String>,
    settings: &Settings,
    renderer: &Renderer,
) -> Result<Value, UsageError> {
    let template_error = |e: crate::render::TemplateError| UsageError::new(e.message);
    let mut ctx = ctx.clone();
    ctx.vars
        .extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    let data = serde_json::to_value(&ctx).expect("the context serialises");
    if let Some(title) = &settings.title {
        ctx.title = renderer
            .text("title", title, &data)
            .map_err(template_error)?;
    }
    if let Some(message) = &settings.message {
        ctx.message = renderer
            .text("message", message, &data)
            .map_err(template_error)?;
    }
    Ok(serde_json::to_value(&ctx).expect("the context serialises"))
}

/// The settings' headers with a route's over them (a route's replaces one of the same name).
fn merge_headers(base: &[(String, String)], route: &[(String, String)]) -> Vec<(String, String)> {
    base.iter()
        .filter(|(name, _)| !route.iter().any(|(r, _)| r.eq_ignore_ascii_case(name)))
        .chain(route)
        .cloned()
        .collect()
}

/// Every secret the settings and environment hold: destination URLs, credential headers, the
/// SMTP URL's password, AWS's secret key.
fn register_secrets(settings: &Settings, env: &Env, redactor: &Redactor) {
    let routes = settings.routes.iter();
    for raw in settings
        .to
        .iter()
        .chain(routes.clone().flat_map(|r| r.to.iter()))
    {
        url_secrets(raw).iter().for_each(|s| redactor.add(s));
    }
    for (name, value) in settings
        .headers
        .iter()
        .chain(routes.flat_map(|r| r.headers.iter()))
    {
        if is_sensitive_header(name) {
            redactor.add(value);
        }
    }
    if let Some(url) = &settings.smtp_url {
        url_secrets(url).iter().for_each(|s| redactor.add(s));
        if let Ok(server) = MailServer::from_url(url) {
            server.password.iter().for_each(|p| redactor.add(p));
        }
    }
    if let Some(secret) = env.get("AWS_SECRET_ACCESS_KEY") {
        redactor.add(secret);
    }
    if let Some(token) = &settings.slack_token {
        redactor.add(token);
    }
}

/// The raw values of a list setting in every environment layer, for registering secrets
/// before the settings are validated (a validation error may quote other settings).
fn env_lists(env: &Env, name: &str) -> Vec<String> {
    let upper = name.to_ascii_uppercase();
    let keys = [
        format!("INPUT_{upper}"),
        format!("PLUGIN_{}", upper.replace('-', "_")),
        format!("CRIER_{}", upper.replace('-', "_")),
    ];
    keys.iter()
        .filter_map(|k| env.get(k))
        .flat_map(|v| v.lines().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}
