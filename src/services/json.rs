//! The common part of every JSON-over-HTTP service: render the payload template, check the
//! service's limits, shape the request, send it and judge the answer. A service file holds
//! only what is particular to it, as a [`JsonApi`], and is registered as `Json(Service)`.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use super::{Destination, Draft, Message, Notes, Prepared, Secret, Service, Setup, Spec};
use crate::http::{judge_http, Reply, Request};
use crate::net::Net;
use crate::redact;
use crate::render::Payload;
use crate::verdict::Verdict;

/// What shapes a request besides the payload.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape<'a> {
    /// The id of an earlier message to edit instead of posting.
    pub edit: Option<&'a str>,
    /// The message (or thread) to reply under.
    pub thread: Option<&'a str>,
}

pub trait JsonApi: Sync + 'static {
    fn spec(&self) -> &'static Spec;

    /// The destination for `url`; a service that reads settings (a token) opens its own.
    fn open(&'static self, url: &str, _setup: &Setup) -> Result<JsonDestination, String>
    where
        Self: Sized,
    {
        Ok(JsonDestination::new(self, url))
    }

    /// The built-in payload template: the service's, unless this kind has its own.
    fn template(&self) -> &'static str {
        self.spec()
            .template
            .expect("a JSON service has a built-in template")
    }

    /// Whether a message it posted can be edited (where one service has several kinds).
    fn can_edit(&self) -> bool {
        self.spec().can_edit
    }

    /// Whether it is told of a run with this status at all.
    fn takes(&self, _status: crate::status::Status) -> bool {
        true
    }

    /// The request that sends `payload` to `url`: by default a POST of the payload as it is.
    fn request(&self, url: &str, payload: Payload, _shape: &Shape) -> Result<Request, String> {
        Ok(Request::post_json(url, payload.text))
    }

    /// Where a rendered payload breaks the service's documented limits (beyond
    /// [`Spec::max_bytes`], which is checked for every service).
    fn check(&self, _payload: &Payload) -> Option<String> {
        None
    }

    /// One attempt at sending `request`: by default, the request and the judgement of its
    /// answer. A service that must ask something first (Matrix, an alias's room) does it here.
    fn send(&self, net: &Net, request: &Request, timeout: Duration) -> Verdict {
        net.http()
            .attempt(request, timeout, |reply| self.judge(&request.url, reply))
    }

    /// Judges the service's answer to a request to `url`: by default, any 2xx is success.
    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        judge_http(reply)
    }

    /// Something the user should know about this URL.
    fn notice(&self, _url: &str) -> Option<String> {
        None
    }

    /// What a `mention` must look like to ping here, if `mention` is not of that form.
    fn mention_advice(&self, _mention: &str) -> Option<String> {
        None
    }

    /// The secret parts of `url`; by default its user information, path and query.
    fn secrets(&self, url: &str) -> Vec<String> {
        redact::url_secrets(url)
    }
}

/// A POST of `payload` to `url`, with the fields its fragment names (`#channel=…&alias=…`,
/// percent-encoded) set in the payload: how a form of another tool picks a channel or a name
/// for a webhook. The fragment is never sent.
pub fn post_with_fragment_fields(url: &str, payload: Payload) -> Request {
    let Some((base, fields)) = url.split_once('#') else {
        return Request::post_json(url, payload.text);
    };
    let mut body = payload.value();
    if let Some(object) = body.as_object_mut() {
        for (key, value) in crate::url::query_pairs(fields) {
            let value = crate::url::percent_decode(value);
            object.insert(key.to_owned(), serde_json::Value::String(value));
        }
    }
    Request::post_json(base, body.to_string())
}

/// A JSON service as a registry entry.
pub struct Json<T>(pub T);

impl<T: JsonApi> Service for Json<T> {
    fn spec(&self) -> &'static Spec {
        self.0.spec()
    }

    fn open(&'static self, url: &str, setup: &Setup) -> Result<Box<dyn Destination>, String> {
        Ok(Box::new(self.0.open(url, setup)?))
    }
}

pub struct JsonDestination {
    api: &'static dyn JsonApi,
    url: String,
    /// Headers the service itself needs (a token), sent with every request.
    headers: Vec<(String, String)>,
    /// Secrets besides the URL's own (a token from the settings).
    secrets: Vec<String>,
}

impl JsonDestination {
    pub fn new(api: &'static dyn JsonApi, url: &str) -> JsonDestination {
        JsonDestination {
            api,
            url: url.to_owned(),
            headers: Vec::new(),
            secrets: Vec::new(),
        }
    }

    /// With a header the service needs, whose value is a secret.
    pub fn with_secret_header(mut self, name: &str, value: String, secret: &str) -> Self {
        self.secrets.push(secret.to_owned());
        self.headers.push((name.to_owned(), value));
        self
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Destination for JsonDestination {
    fn spec(&self) -> &'static Spec {
        self.api.spec()
    }

    fn shown(&self) -> String {
        redact::display_url(&self.url)
    }

    fn secrets(&self) -> Vec<Secret> {
        let mut secrets: Vec<Secret> = self
            .api
            .secrets(&self.url)
            .into_iter()
            .chain(self.secrets.iter().cloned())
            .map(Secret::Text)
            .collect();
        if let Some(login) = redact::url_login(&self.url) {
            secrets.push(login);
        }
        secrets
    }

    fn notice(&self) -> Option<String> {
        self.api.notice(&self.url)
    }

    fn can_edit(&self) -> bool {
        self.api.can_edit()
    }

    fn takes(&self, status: crate::status::Status) -> bool {
        self.api.takes(status)
    }

    fn prepare(&self, draft: &Draft) -> Result<Prepared, String> {
        let spec = self.api.spec();
        let (name, source) = match draft.template {
            Some(t) => (t.name.clone(), t.text.as_str()),
            None => (
                format!("built-in {} template", spec.name),
                self.api.template(),
            ),
        };
        let mut payload = draft
            .renderer
            .payload(&name, source, draft.data)
            .map_err(|e| e.message)?;
        let mut notes = Notes {
            cuts: std::mem::take(&mut payload.cuts),
            ..Notes::default()
        };
        let shape = Shape {
            edit: draft.edit,
            thread: draft.thread,
        };
        notes.problems.extend(self.api.check(&payload));
        // `author` is resolved per service from the routes file's `people`.
        if let Some(mention) = draft.settings.mention.as_deref().filter(|m| *m != "author") {
            notes.warnings.extend(self.api.mention_advice(mention));
        }
        let mut request = self.api.request(&self.url, payload, &shape)?;
        if let Some(max) = spec.max_bytes.filter(|max| request.body.len() > *max) {
            notes.problems.push(format!(
                "the payload is {} bytes; {} accepts at most {max}",
                request.body.len(),
                spec.name
            ));
        }
        request.headers.extend(self.headers.iter().cloned());
        // The user's headers come last and replace the service's of the same name.
        request
            .headers
            .retain(|(n, _)| !draft.headers.iter().any(|(u, _)| u.eq_ignore_ascii_case(n)));
        request.headers.extend(draft.headers.iter().cloned());
        Ok(Prepared {
            message: Arc::new(JsonMessage {
                api: self.api,
                request,
            }),
            notes,
        })
    }
}

struct JsonMessage {
    api: &'static dyn JsonApi,
    request: Request,
}

impl Message for JsonMessage {
    fn printable(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.request.body)
    }

    fn send(&self, net: &Net, timeout: Duration) -> Verdict {
        self.api.send(net, &self.request, timeout)
    }
}
