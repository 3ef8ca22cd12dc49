//! The Teams forms of both tools: Apprise's `workflows://` (a Workflows webhook) and its older
//! `msteams://`, and shoutrrr's `teams://` (Office 365 connectors, which the Teams service
//! serves with a warning that Microsoft is retiring them).

use super::{one, Form, Translation};

/// `workflows://HOST:PORT/WORKFLOW/SIGNATURE`: the Teams Workflows webhook it abbreviates,
/// with `?pa=yes` (and `route=`) for Power Automate's URL.
pub(super) fn workflow(f: &Form) -> Option<Translation> {
    let parts = f.segments();
    let mut parts = parts.iter().copied();
    let workflow = f
        .param("workflow")
        .or_else(|| f.param("id"))
        .or_else(|| parts.next());
    let signature = f
        .param("signature")
        .or_else(|| f.param("sig"))
        .or_else(|| parts.next());
    let (Some(workflow), Some(signature)) = (workflow, signature) else {
        return Some(Err(
            "expected workflows://HOST/WORKFLOW_ID/SIGNATURE, or the Workflows webhook's \
             https:// URL as it is"
                .into(),
        ));
    };
    let yes = |v: Option<&str>| matches!(v, Some("yes" | "true" | "1" | "on"));
    let power_automate = yes(f.param("pa")) || yes(f.param("powerautomate"));
    let mut prefix = String::new();
    if power_automate {
        prefix.push_str("/powerautomate/automations/direct");
        if let Some(route) = f.param("route").or_else(|| f.param("routeid")) {
            prefix.push_str(&format!("/cu/{route}"));
        }
    }
    let version =
        f.param("api-version")
            .or_else(|| f.param("ver"))
            .unwrap_or(match power_automate {
                true => "2022-03-01-preview",
                false => "2016-06-01",
            });
    one(format!(
        "teams+https://{}{prefix}/workflows/{workflow}/triggers/manual/paths/invoke\
         ?api-version={version}&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={signature}",
        f.host
    ))
}

/// `msteams://TEAM/A/B/C[/D]` or the older `msteams://A/B/C` (whose first token, `id@id`,
/// reads as user and host): the Office 365 connector URL, which the Teams service serves with
/// a warning that Microsoft is retiring it.
pub(super) fn connector(f: &Form) -> Option<Translation> {
    let parts = f.segments();
    let url = match (f.userinfo, &parts[..]) {
        (Some(user), [b, c]) => format!(
            "https://outlook.office.com/webhook/{user}@{}/IncomingWebhook/{b}/{c}",
            f.host
        ),
        (None, [a, b, c, d @ ..]) if d.len() <= 1 => {
            let team = f.param("team").unwrap_or(f.host);
            let mut url =
                format!("https://{team}.webhook.office.com/webhookb2/{a}/IncomingWebhook/{b}/{c}");
            if let [d] = d {
                url.push_str(&format!("/{d}"));
            }
            url
        }
        _ => {
            return Some(Err(
                "expected msteams://TEAM/TOKEN_A/TOKEN_B/TOKEN_C[/TOKEN_D]; better, a Teams \
                 Workflows webhook's https:// URL"
                    .into(),
            ))
        }
    };
    one(format!("teams+{url}"))
}

/// `teams://GROUP@TENANT/ALT_ID/OWNER[/EXTRA]?host=ORG.webhook.office.com`, or the oldest
/// `teams://A/B/C`: the Office 365 connector URL they abbreviate, which the Teams service
/// serves with a warning that Microsoft is retiring it.
pub(super) fn shoutrrr(f: &Form) -> Option<Translation> {
    let parts = f.segments();
    let url = match (f.userinfo, &parts[..]) {
        (Some(group), [alt, owner, extra @ ..]) if extra.len() <= 1 => {
            let tenant = f.host;
            match f.param("host") {
                Some(org) => {
                    let mut url = format!(
                        "https://{org}/webhookb2/{group}@{tenant}/IncomingWebhook/{alt}/{owner}"
                    );
                    if let [extra] = extra {
                        url.push_str(&format!("/{extra}"));
                    }
                    url
                }
                None => format!(
                    "https://outlook.office.com/webhook/{group}@{tenant}/IncomingWebhook/{alt}/{owner}"
                ),
            }
        }
        (None, [b, c]) => format!(
            "https://outlook.office.com/webhook/{}/IncomingWebhook/{b}/{c}",
            f.host
        ),
        _ => {
            return Some(Err(
                "expected teams://GROUP@TENANT/ALT_ID/OWNER/EXTRA_ID?host=ORG.webhook.office.com; \
                 better, a Teams Workflows webhook's https:// URL"
                    .into(),
            ))
        }
    };
    one(format!("teams+{url}"))
}

#[cfg(test)]
mod tests {
    use super::super::{read, translate};

    #[test]
    fn teams_forms_become_the_webhooks_they_abbreviate() {
        assert_eq!(
            read("workflows://prod-161.westeurope.logic.azure.com:443/643e69f8/KODueb-Wb_5A"),
            ["teams+https://prod-161.westeurope.logic.azure.com:443/workflows/643e69f8/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=KODueb-Wb_5A"]
        );
        assert_eq!(
            read("workflow://h.logic.azure.com/wf1/sig1?pa=yes&route=42"),
            ["teams+https://h.logic.azure.com/powerautomate/automations/direct/cu/42/workflows/wf1/triggers/manual/paths/invoke?api-version=2022-03-01-preview&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=sig1"]
        );
        assert_eq!(
            read("msteams://acme/g-1@t-2/a1b2/o-3/V2xyz"),
            ["teams+https://acme.webhook.office.com/webhookb2/g-1@t-2/IncomingWebhook/a1b2/o-3/V2xyz"]
        );
        assert_eq!(
            read("msteams://acme/g-1@t-2/a1b2/o-3"),
            ["teams+https://acme.webhook.office.com/webhookb2/g-1@t-2/IncomingWebhook/a1b2/o-3"]
        );
        assert_eq!(
            read("msteams://g-1@t-2/a1b2/o-3"),
            ["teams+https://outlook.office.com/webhook/g-1@t-2/IncomingWebhook/a1b2/o-3"]
        );
    }

    #[test]
    fn teams_forms_become_connector_urls() {
        for (from, to) in [
            (
                "teams://g-1@t-2/a1b2/o-3/V2xyz?host=acme.webhook.office.com",
                "teams+https://acme.webhook.office.com/webhookb2/g-1@t-2/IncomingWebhook/a1b2/o-3/V2xyz",
            ),
            (
                "teams://g-1@t-2/a1b2/o-3",
                "teams+https://outlook.office.com/webhook/g-1@t-2/IncomingWebhook/a1b2/o-3",
            ),
        ] {
            assert_eq!(translate(from), Some(Ok(vec![to.to_owned()])), "{from}");
        }
        assert!(translate("teams://only-one").unwrap().is_err());
    }
}
