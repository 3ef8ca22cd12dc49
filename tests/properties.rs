//! Property tests: whatever users and CI systems hand us, crier answers with a result or a
//! usage error, never a panic; and any text survives a payload template intact.

use proptest::prelude::*;
use serde_json::{json, Value};
use town_crier::context;
use town_crier::env::Env;
use town_crier::markup;
use town_crier::render::{truncate, Renderer};
use town_crier::settings::{names, Layer, Settings};

fn settings(env: &[(&str, &str)]) -> Result<Settings, town_crier::error::UsageError> {
    Settings::load(Layer::default(), &Env::from_pairs(env)).map(|(s, _)| s)
}

/// Arbitrary JSON, a few levels deep.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("ref".to_owned()),
                    Just("head_commit".to_owned()),
                    Just("pull_request".to_owned()),
                    Just("release".to_owned()),
                    Just("deployment_status".to_owned()),
                    Just("workflow_run".to_owned()),
                    Just("message".to_owned()),
                    Just("after".to_owned()),
                    any::<String>(),
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_setting_value_is_accepted_or_refused_without_panic(
        index in 0usize..64,
        value in any::<String>(),
        prefix in prop_oneof![Just("INPUT_"), Just("PLUGIN_"), Just("CRIER_")],
    ) {
        let all = names();
        let name = &all[index % all.len()];
        let key = if prefix == "INPUT_" {
            format!("{prefix}{}", name.to_uppercase())
        } else {
            format!("{prefix}{}", name.to_uppercase().replace('-', "_"))
        };
        let _ = settings(&[(key.as_str(), value.as_str())]);
    }

    #[test]
    fn any_template_text_renders_or_is_refused_without_panic(source in any::<String>()) {
        let renderer = Renderer::new();
        let data = json!({"status": "failure", "commit": {"message": "m"}, "n": 3});
        let _ = renderer.payload("t", &source, &data);
        let _ = renderer.text("t", &source, &data);
    }

    #[test]
    fn handlebars_shaped_templates_render_or_are_refused_without_panic(
        parts in prop::collection::vec(prop_oneof![
            Just("{{".to_owned()), Just("}}".to_owned()), Just("{{{".to_owned()), Just("#if ".to_owned()),
            Just("/if".to_owned()), Just("#each ".to_owned()), Just("/each".to_owned()), Just("json ".to_owned()),
            Just("truncate ".to_owned()), Just("mrkdwn ".to_owned()), Just("default ".to_owned()),
            Just("commit.message".to_owned()), Just("\"".to_owned()), Just(",".to_owned()), Just("//".to_owned()),
            Just("{".to_owned()), Just("}".to_owned()), Just("(".to_owned()), Just(")".to_owned()),
            Just("-1".to_owned()), Just("99999999999999999999".to_owned()), any::<String>(),
            Just("{{> ".to_owned()), Just("{{#> ".to_owned()), Just("{{#*inline \"p\"}}".to_owned()),
            Just("{{/inline}}".to_owned()), Just("{{*".to_owned()), Just("p}}".to_owned()),
            Just("@partial-block".to_owned()), Just("{{^".to_owned()), Just("~".to_owned()),
            Just("adaptive_card_body".to_owned()), Just("{{!--".to_owned()), Just("--}}".to_owned()),
        ], 0..24)
    ) {
        let source: String = parts.concat();
        let renderer = Renderer::new();
        let data = json!({"status": "failure", "commit": {"message": "m"}, "list": [1, 2]});
        let _ = renderer.payload("t", &source, &data);
        let _ = renderer.text("t", &source, &data);
    }

    #[test]
    fn deep_and_recursive_shapes_render_or_are_refused_without_a_crash(
        depth in 0usize..3000,
        kind in 0usize..7,
        middle in prop_oneof![Just("{{> p}}"), Just("{{> adaptive_card_body}}"), Just("x"), Just("{{json this}}")],
    ) {
        let (open, close) = [
            ("{{#if a}}", "{{/if}}"),
            ("{{#each list}}", "{{/each}}"),
            ("{{#with commit}}", "{{/with}}"),
            ("{{#unless a}}", "{{/unless}}"),
            ("{{#*inline \"p\"}}", "{{/inline}}{{> p}}"),
            ("{{#> p}}", "{{/p}}"),
            ("{{x (", ")}}"),
        ][kind];
        let source = format!("{}{middle}{}", open.repeat(depth), close.repeat(depth));
        let renderer = Renderer::new();
        let data = json!({"a": true, "commit": {"message": "m"}, "list": [1, 2]});
        let _ = renderer.payload("t", &source, &data);
        let _ = renderer.text("t", &source, &data);
    }

    #[test]
    fn any_text_survives_a_payload_template(text in any::<String>()) {
        let renderer = Renderer::new();
        let value = renderer
            .payload("t", r#"{"text": "{{m}}", /* c */ "n": [{{json m}},],}"#, &json!({"m": text}))
            .unwrap()
            .value();
        prop_assert_eq!(&value["text"], &Value::String(text.clone()));
        prop_assert_eq!(&value["n"][0], &Value::String(text));
    }

    #[test]
    fn any_destination_is_parsed_or_refused_without_panic(raw in any::<String>(), tail in "[a-z+:/.@?=&%#,é0-9]{0,40}") {
        let settings = settings(&[]).unwrap();
        let env = Env::default();
        let setup = town_crier::services::Setup { settings: &settings, env: &env };
        // Crier's own forms and every other tool's scheme, whose forms are read before routing.
        let foreign = [
            "tgram", "mailto", "mailtos", "smtp", "workflows", "msteams", "teams", "wxteams",
            "webex", "rocket", "rockets", "zulip", "mmost", "mattermost", "irc", "matrix",
            "matrixs", "googlechat", "gchat", "ntfy", "ntfys", "pover", "pushover", "discord",
            "slack", "telegram", "generic+https", "ringc",
        ];
        let mut tried = vec![raw.clone(), format!("slack+https://{tail}"), format!("{tail}://x")];
        tried.extend(foreign.iter().map(|scheme| format!("{scheme}://{tail}")));
        for raw in tried {
            for url in town_crier::services::resolve(&raw).unwrap_or_default() {
                if let Ok((service, url)) = town_crier::services::route(&url) {
                    let _ = service.open(&url, &setup);
                }
            }
        }
    }

    #[test]
    fn any_event_payload_gives_a_context(event in arb_json(), name in prop_oneof![
        Just("push"), Just("pull_request"), Just("release"), Just("deployment_status"),
        Just("workflow_run"), Just("workflow_dispatch"), Just("schedule"),
    ]) {
        let dir = std::env::temp_dir().join(format!("crier-prop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("event.json");
        std::fs::write(&path, event.to_string()).unwrap();
        let path = path.to_string_lossy().into_owned();
        let env = Env::from_pairs(&[("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_NAME", name), ("GITHUB_EVENT_PATH", &path)]);
        let settings = Settings::load(Layer::default(), &env).unwrap().0;
        let ctx = context::detect(&env, &settings.given(), &mut Vec::new()).unwrap();
        // Every built-in template renders it to JSON.
        let data = serde_json::to_value(&ctx).unwrap();
        for template in town_crier::services::templates() {
            Renderer::new().payload("built-in", template, &data).unwrap();
        }
    }

    #[test]
    fn an_event_of_any_depth_is_refused_or_renders_with_every_template(depth in 1usize..300, wide in 0usize..3) {
        let dir = std::env::temp_dir().join(format!("crier-deep-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("event.json");
        let inner = format!("{}{}{}", "[{\"k\":".repeat(depth / 2), "1".repeat(wide + 1), "}]".repeat(depth / 2));
        std::fs::write(&path, format!("{{\"ref\": \"refs/heads/main\", \"x\": {inner}}}")).unwrap();
        let path = path.to_string_lossy().into_owned();
        let env = Env::from_pairs(&[("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_NAME", "push"), ("CRIER_EVENT_FILE", &path)]);
        let settings = Settings::load(Layer::default(), &env).unwrap().0;
        if let Ok(ctx) = context::detect(&env, &settings.given(), &mut Vec::new()) {
            let data = serde_json::to_value(&ctx).unwrap();
            for template in town_crier::services::templates() {
                Renderer::new().payload("built-in", template, &data).unwrap();
            }
        }
    }

    #[test]
    fn truncation_keeps_within_limits(text in any::<String>(), max in 0usize..300) {
        prop_assert!(truncate(&text, max).chars().count() <= max);
        let (escaped, _) = markup::fit(&text, max, markup::slack);
        prop_assert!(escaped.chars().count() <= max);
        prop_assert!(!escaped.contains('<') && !escaped.contains('>'));
    }
}
