//! The generic JSON webhook forms of both tools, as crier's `webhook+http(s)://` with the
//! credentials and the query the server is to get: Apprise's `json(s)://USER:PASSWORD@HOST/PATH`
//! (its `-key=value` are the server's query, `+Header=` headers, `:key=` payload mapping) and
//! shoutrrr's `generic://HOST/PATH` and `generic+https://…` (its `@Header=` headers, `$key=`
//! extra data, the rest the server's query). What crier sets elsewhere (headers, a template)
//! is refused with where it goes.

use super::{one, Form, Translation};

/// shoutrrr's options of its generic service.
const SHOUTRRR_OWN: &[&str] = &[
    "template",
    "contenttype",
    "disabletls",
    "messagekey",
    "titlekey",
    "method",
    "title",
];

pub(super) fn apprise(f: &Form) -> Option<Translation> {
    let web = match f.scheme.as_str() {
        "jsons" => "https",
        _ => "http",
    };
    let mut query = Vec::new();
    for (key, value) in crate::url::query_pairs(f.query) {
        if let Some(name) = key.strip_prefix('-') {
            query.push(format!("{name}={value}"));
        } else if key.starts_with('+') {
            return Some(Err(refused("Apprise's +HEADER=", "headers")));
        } else if key.starts_with(':') {
            return Some(Err(refused(
                "Apprise's :FIELD= payload mapping",
                "template",
            )));
        } else if key.eq_ignore_ascii_case("method") && !value.eq_ignore_ascii_case("post") {
            return Some(Err("crier POSTs to a webhook: method= is POST only".into()));
        }
        // Any other option is Apprise's own (format=, overflow=, …): not the server's.
    }
    one(url(web, f, &query))
}

/// `generic://…` (HTTPS unless `disabletls=yes`) and `generic+https://…`.
pub(super) fn shoutrrr(f: &Form) -> Option<Translation> {
    let web = match f.scheme.strip_prefix("generic+") {
        Some(inner) => inner,
        None if matches!(f.param("disabletls"), Some("yes" | "true" | "1")) => "http",
        None => "https",
    };
    let mut query = Vec::new();
    for (key, value) in crate::url::query_pairs(f.query) {
        if key.starts_with('@') {
            return Some(Err(refused("shoutrrr's @HEADER=", "headers")));
        } else if key.starts_with('$') {
            return Some(Err(refused("shoutrrr's $KEY= extra data", "template")));
        } else if key.eq_ignore_ascii_case("method") && !value.eq_ignore_ascii_case("post") {
            return Some(Err("crier POSTs to a webhook: method= is POST only".into()));
        } else if !SHOUTRRR_OWN.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            query.push(format!("{key}={value}"));
        }
    }
    one(url(web, f, &query))
}

fn refused(what: &str, setting: &str) -> String {
    format!("{what} is not read: give it in the `{setting}` setting (or a route's)")
}

fn url(web: &str, f: &Form, query: &[String]) -> String {
    let login = f.userinfo.map(|u| format!("{u}@")).unwrap_or_default();
    let mut url = format!("webhook+{web}://{login}{}/{}", f.host, f.path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::super::{read, translate};

    #[test]
    fn credentials_and_the_server_s_query_are_kept() {
        for (from, to) in [
            (
                "jsons://ci:pw@hooks.example.com/ci?-source=crier&format=markdown",
                "webhook+https://ci:pw@hooks.example.com/ci?source=crier",
            ),
            (
                "generic://ci:pw@hooks.example.com/ci?disabletls=yes&source=crier&template=json",
                "webhook+http://ci:pw@hooks.example.com/ci?source=crier",
            ),
            (
                "generic+https://hooks.example.com/ci?source=crier",
                "webhook+https://hooks.example.com/ci?source=crier",
            ),
        ] {
            assert_eq!(read(from), [to], "{from}");
        }
        for (form, says) in [
            ("json://hooks.example.com/ci?+X-Token=abc", "`headers`"),
            ("json://hooks.example.com/ci?:message=text", "`template`"),
            ("generic://hooks.example.com/ci?@X-Token=abc", "`headers`"),
            ("generic://hooks.example.com/ci?method=PUT", "POST only"),
        ] {
            let why = translate(form).unwrap().unwrap_err();
            assert!(why.contains(says), "{form}: {why}");
        }
    }
}
