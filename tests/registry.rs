//! The registry is the one list of services: every service's name and URL forms are in
//! `--help`, in action.yml's `to`, and in the README's Destinations table; and every URL form
//! it documents routes to that service.

mod common;

use common::crier;
use town_crier::services::{self, SERVICES};

/// The README's Destinations section.
fn destinations_section() -> String {
    let readme = include_str!("../README.md");
    let start = readme
        .find("\n## Destinations")
        .expect("a Destinations section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_owned()
}

#[test]
fn every_service_is_in_the_help_the_action_and_the_readme() {
    let help = crier(&["--help"], &[]);
    assert_eq!(help.code, 0, "{}", help.stderr);
    let action = include_str!("../action.yml");
    let to = action
        .lines()
        .skip_while(|l| l.trim() != "to:")
        .find(|l| l.trim_start().starts_with("description:"))
        .expect("action.yml describes `to`");
    let readme = destinations_section();
    for service in SERVICES {
        let spec = service.spec();
        assert!(
            help.stdout.contains(spec.name),
            "--help lacks {}",
            spec.name
        );
        assert!(
            to.contains(spec.name),
            "action.yml's `to` lacks {}",
            spec.name
        );
        assert!(
            readme.contains(&format!("\n| `{}` |", spec.name)),
            "the README's Destinations table has no row for {}",
            spec.name
        );
        for form in spec.forms {
            assert!(help.stdout.contains(form), "--help lacks {form}");
            assert!(
                readme.contains(&format!("`{form}`")),
                "the README's Destinations table lacks `{form}`"
            );
        }
    }
}

#[test]
fn every_documented_form_routes_to_its_service() {
    for service in SERVICES {
        let spec = service.spec();
        for form in spec.forms {
            // A documented form with its placeholders filled in.
            let url = form
                .replace("*.", "acme.")
                .replace('…', "x/y")
                .replace("HOST", "chat.example.com")
                .replace("[:PORT]", "");
            let (routed, _) = services::route(&url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(routed.spec().name, spec.name, "{url}");
        }
    }
}

#[test]
fn a_bare_url_is_a_destination_and_no_error_shows_one() {
    let secret = "https://hooks.slack.com/services/T000/B000/SECRETsecret123";
    let run = crier(&["--print-payload", "--status", "failure", secret], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"blocks\""), "{}", run.stdout);
    assert!(
        run.stderr.contains("[1] slack https://hooks.slack.com/***"),
        "{}",
        run.stderr
    );
    // The usual mistakes around it: a misspelt flag, a flag without its value, `=` forms.
    let equals = format!("--tx={secret}");
    for args in [
        vec!["--tx", secret],
        vec![equals.as_str()],
        vec!["--status", "failure", "--to"],
        vec!["--statu", "failure", secret],
        vec!["--retries", "many", secret],
        vec![
            "--to",
            "ftp://hooks.slack.com/services/T000/B000/SECRETsecret123",
        ],
    ] {
        let mut all = vec!["--print-payload"];
        all.extend(args);
        let run = crier(&all, &[]);
        assert_eq!(run.code, 2, "{all:?}: {}", run.stderr);
        for leaked in ["SECRETsecret123", "T000/B000"] {
            assert!(
                !run.all_output().contains(leaked),
                "{all:?}: {}",
                run.all_output()
            );
        }
    }
}
