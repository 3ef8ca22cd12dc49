//! One run, start to finish: settings → context → render → deliver → report.

mod lookups;
mod recipients;
mod send;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::cli::{self, Asked};
use crate::context::{self, Context};
use crate::env::Env;
use crate::error::UsageError;
use crate::handles::StateFile;
use crate::redact::Redactor;
use crate::render::{Data, Renderer};
use crate::report::{Report, RunResult};
use crate::routes::{self, Route};
use crate::settings::{self, Layer, Settings};

/// Exit statuses of SPEC §7.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// [`run`] with the process's own arguments: one that is not UTF-8 is a usage error.
pub fn run_os(args: Vec<std::ffi::OsString>, env: &Env) -> i32 {
    let mut text = Vec::with_capacity(args.len());
    for (i, arg) in args.into_iter().enumerate() {
        match arg.into_string() {
            Ok(arg) => text.push(arg),
            Err(_) => {
                let redactor = Redactor::new();
                Report::new(env, &redactor).error(&format!(
                    "argument {i} is not valid UTF-8 (nothing was sent)"
                ));
                return EXIT_USAGE;
            }
        }
    }
    run(text, env)
}

/// Runs crier with these arguments (the first is the program name) and environment, and
/// returns the exit status.
pub fn run(args: Vec<String>, env: &Env) -> i32 {
    let redactor = Redactor::new();
    cli::seed(&args, env, &redactor);
    let report = Report::new(env, &redactor);
    let outcome = match cli::parse(&args) {
        Ok(Asked::Show(text)) => {
            report.out(&text);
            return EXIT_OK;
        }
        Ok(Asked::Run(layer)) => execute(*layer, env, &redactor, &report),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            report.error(&format!("{e} (nothing was sent)"));
            EXIT_USAGE
        }
    }
}

fn execute(cli: Layer, env: &Env, redactor: &Redactor, report: &Report) -> Result<i32, UsageError> {
    if let Some(name) = env.unreadable_setting() {
        return Err(UsageError::new(format!(
            "the environment variable {name} is not valid UTF-8"
        )));
    }
    let (mut layer, warnings) = settings::read(cli, env)?;
    // The routes file comes between the raw layers and the validated settings: its
    // defaults are the lowest layer.
    let (routes, people) = match layer.config.as_deref() {
        Some(path) => {
            let routes =
                routes::load(std::path::Path::new(path.trim()), env, &|s| redactor.add(s))?;
            layer = layer.or(routes.defaults);
            (routes.routes, routes.people)
        }
        None => (Vec::new(), routes::People::new()),
    };
    let settings = Settings::from_layer(layer)?;

    // Every route's destinations are parsed now, matching or not: a broken one is an error
    // on every run, not only on the run that would have used it.
    let recipients = recipients::parse_all(&settings, &routes, env)?;
    recipients::register_secrets(&recipients, &settings, env, redactor, report);

    for warning in warnings {
        report.line(&format!("note: {warning}"));
    }
    for recipient in &recipients {
        if let Some(notice) = recipient.destination.notice() {
            report.warning(&format!("{}: {notice}", recipient.label()));
        }
    }

    let mut notes = Vec::new();
    let mut ctx = context::detect(env, &settings.given(), &mut notes)?;
    for note in notes {
        report.line(&format!("note: {note}"));
    }
    let net = lookups::apply(&mut ctx, &settings, &routes, env, report)?;
    if settings.status.is_none()
        && !settings.status_from_run
        && ctx.status == Some(crate::status::Status::Unknown)
    {
        report.warning(
            "no status was given and none could be detected, so every message says the run \
             \"finished\": pass `status` (in a GitHub job: `status: ${{ job.status }}`; in a \
             separate notify job: `status: ${{ contains(needs.*.result, 'failure') && 'failure' \
             || 'success' }}`)",
        );
    }

    // The event is moved into the template data, never copied: it can be 25 MB.
    let mut base = serde_json::to_value(&ctx).expect("the context serialises");
    if let Some(payload) = ctx.event_payload.take() {
        base["event_payload"] = payload;
    }
    let renderer = Renderer::strict(context::shape());
    let mut data = template_data(base, &BTreeMap::new(), &settings, &renderer)?;

    if settings.print_context {
        report.out(&serde_json::to_string_pretty(data.value()).expect("the context serialises"));
        return Ok(EXIT_OK);
    }
    if recipients.is_empty() {
        return Err(UsageError::new(
            "no destination (setting `to`): give one with --to URL (or INPUT_TO, PLUGIN_TO, \
             CRIER_TO), or routes with --config FILE; `crier -h` shows examples",
        ));
    }

    let mut state = settings
        .state_file
        .as_deref()
        .map(StateFile::load)
        .transpose()?;
    let prepared = recipients::prepare_all(
        &recipients,
        &ctx,
        &mut data,
        &settings,
        &renderer,
        state.as_ref(),
        &people,
    )?;
    let chosen = recipients::choose(&recipients, prepared, &ctx, &settings, report);
    for c in &chosen {
        c.recipient
            .destination
            .ready()
            .map_err(|why| UsageError::new(format!("{}: {why}", c.recipient.label())))?;
    }
    if chosen.is_empty() {
        let note = "nothing to send: no destination is for this run";
        report.line(note);
        if !settings.dry_run {
            report.finish(RunResult::Skipped, &[], note);
        }
        return Ok(EXIT_OK);
    }
    if settings.dry_run {
        let printed: Vec<_> = chosen
            .iter()
            .map(|c| {
                let via = c
                    .recipient
                    .destination
                    .relay()
                    .map(|r| format!(" via {r}"))
                    .unwrap_or_default();
                let printable = c.message.printable();
                let printable = match settings.pretty {
                    true => pretty(printable),
                    false => printable,
                };
                (
                    format!("payload for {}{via}:", c.recipient.label()),
                    printable,
                )
            })
            .collect();
        report.payloads(&printed);
        return Ok(EXIT_OK);
    }
    let net = match net {
        Some(net) => net,
        None => std::sync::Arc::new(crate::net::Net::new(env)?),
    };
    let outcomes = send::send(chosen, &settings, net, state.as_mut(), report)?;
    Ok(send::conclude(&outcomes, &settings, report))
}

/// The template data: the context as JSON (`base`) with `extra` variables, and `title` and
/// `message` rendered from their templates over it.
fn template_data(
    base: Value,
    extra: &BTreeMap<String, String>,
    settings: &Settings,
    renderer: &Renderer,
) -> Result<Data, UsageError> {
    let template_error = |e: crate::render::TemplateError| UsageError::new(e.message);
    let mut data = Data::new(base);
    if let Some(vars) = data.value_mut()["vars"].as_object_mut() {
        for (key, value) in extra {
            vars.insert(key.clone(), value.clone().into());
        }
    }
    let title = match &settings.title {
        Some(title) => Some(
            renderer
                .text("title", title, &data)
                .map_err(template_error)?,
        ),
        None => None,
    };
    let message = match &settings.message {
        Some(message) => Some(
            renderer
                .text("message", message, &data)
                .map_err(template_error)?,
        ),
        None => None,
    };
    let value = data.value_mut();
    // A headline the services require never goes out empty (`{{pull_request.title}}` on a
    // push): the default one stands in.
    if let Some(title) = title.filter(|t| !t.trim().is_empty()) {
        value["title"] = title.into();
    }
    if let Some(message) = message {
        value["message"] = message.into();
    }
    Ok(data)
}

/// The template data of a route with variables of its own: the run's, with the title and
/// message rendered again over those variables.
fn route_data(
    data: &Data,
    ctx: &Context,
    extra: &BTreeMap<String, String>,
    settings: &Settings,
    renderer: &Renderer,
) -> Result<Data, UsageError> {
    let mut base = data.value().clone();
    base["title"] = ctx.title.clone().into();
    base["message"] = ctx.message.clone().into();
    template_data(base, extra, settings, renderer)
}

/// A JSON payload indented; anything else as it is.
fn pretty(text: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    match serde_json::from_str::<Value>(&text) {
        Ok(value) => serde_json::to_string_pretty(&value)
            .map(std::borrow::Cow::Owned)
            .unwrap_or(text),
        Err(_) => text,
    }
}

/// The settings' headers with a route's over them (a route's replaces one of the same name).
fn merge_headers(base: &[(String, String)], route: &[(String, String)]) -> Vec<(String, String)> {
    base.iter()
        .filter(|(name, _)| !route.iter().any(|(r, _)| r.eq_ignore_ascii_case(name)))
        .chain(route)
        .cloned()
        .collect()
}

/// A route's number for messages, or the `to` setting.
fn route_name(route: Option<&Route>) -> String {
    route.map_or("the `to` setting".to_owned(), |r| {
        format!("route {}", r.number)
    })
}
