//! action.yml declares exactly the settings crier reads, each with a description and a quoted
//! default (SchemaStore's schema wants strings), and the outputs crier writes.

use town_crier::settings::names;

fn section<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let start = text
        .lines()
        .position(|l| l == format!("{name}:"))
        .unwrap_or_else(|| panic!("action.yml has no {name}:"));
    text.lines()
        .skip(start + 1)
        .take_while(|l| l.is_empty() || l.starts_with(' ') || l.starts_with('#'))
        .collect()
}

fn keys(lines: &[&str]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .map(|l| l.trim().trim_end_matches(':').to_owned())
        .collect()
}

#[test]
fn inputs_are_the_settings() {
    let text = include_str!("../action.yml");
    let inputs = section(text, "inputs");
    let mut declared = keys(&inputs);
    let mut settings = names();
    declared.sort();
    settings.sort();
    assert_eq!(declared, settings);
    for line in inputs
        .iter()
        .filter(|l| l.trim_start().starts_with("default:"))
    {
        let value = line.trim_start().trim_start_matches("default:").trim();
        assert!(
            value.starts_with('\'') && value.ends_with('\''),
            "unquoted default: {line}"
        );
    }
    let descriptions = inputs
        .iter()
        .filter(|l| l.trim_start().starts_with("description:"))
        .count();
    assert_eq!(descriptions, declared.len());
}

#[test]
fn outputs_are_those_crier_writes() {
    let text = include_str!("../action.yml");
    let mut expected: Vec<String> = ["result", "sent", "failed", "message-id"]
        .map(String::from)
        .to_vec();
    expected.extend((1..=10).map(|n| format!("message-id-{n}")));
    assert_eq!(keys(&section(text, "outputs")), expected);
}
