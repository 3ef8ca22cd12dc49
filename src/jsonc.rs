//! JSON with the two conveniences people write in templates: comments and trailing commas.
//!
//! Comments and trailing commas are blanked out with spaces rather than removed, so the line
//! and column of any remaining error are those of the text the user sees.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

/// Parses JSONC into a value.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let strict = to_strict(text.to_owned()).map_err(|(e, _)| e)?;
    serde_json::from_str(&strict).map_err(|e| error(&e))
}

/// JSONC as strict, compact JSON, in place: comments and trailing commas blanked, the result
/// checked, then white space outside strings removed. A large payload is never copied nor
/// built into a value. On error, the text is handed back for the message to quote.
pub fn to_strict(text: String) -> Result<String, (JsonError, String)> {
    let mut bytes = text.into_bytes();
    blank_comments_and_trailing_commas(&mut bytes);
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        return Err((error(&e), text));
    }
    compact(&mut bytes);
    // Only ASCII bytes outside strings were blanked or removed, so the text is still UTF-8.
    String::from_utf8(bytes).map_err(|e| {
        let error = JsonError {
            line: 1,
            column: 1,
            reason: "not UTF-8".into(),
        };
        (error, String::from_utf8_lossy(e.as_bytes()).into_owned())
    })
}

fn error(e: &serde_json::Error) -> JsonError {
    let full = e.to_string();
    let reason = full.split(" at line ").next().unwrap_or(&full).to_owned();
    JsonError {
        line: e.line(),
        column: e.column(),
        reason,
    }
}

/// Removes white space outside strings.
fn compact(bytes: &mut Vec<u8>) {
    let mut in_string = false;
    let mut escaped = false;
    bytes.retain(|&b| {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            true
        } else {
            if b == b'"' {
                in_string = true;
            }
            !matches!(b, b' ' | b'\t' | b'\r' | b'\n')
        }
    });
}

fn blank_comments_and_trailing_commas(out: &mut [u8]) {
    #[derive(PartialEq)]
    enum State {
        Code,
        Str,
        StrEscape,
        LineComment,
        BlockComment,
    }
    let mut state = State::Code;
    // A comma in code, not yet followed by anything but white space and comments.
    let mut pending_comma: Option<usize> = None;
    // The last byte of code that was not white space: a comma after `[`, `{` or `,` follows
    // no value, so it is an error to keep, not a trailing comma to forgive.
    let mut previous = b' ';
    let mut i = 0;
    while i < out.len() {
        let b = out[i];
        match state {
            State::Str => match b {
                b'\\' => state = State::StrEscape,
                b'"' => {
                    state = State::Code;
                    previous = b'"';
                }
                _ => {}
            },
            State::StrEscape => state = State::Str,
            State::LineComment => {
                if b == b'\n' {
                    state = State::Code;
                } else {
                    out[i] = b' ';
                }
            }
            State::BlockComment => {
                if b == b'*' && out.get(i + 1) == Some(&b'/') {
                    out[i] = b' ';
                    out[i + 1] = b' ';
                    i += 1;
                    state = State::Code;
                } else if b != b'\n' {
                    out[i] = b' ';
                }
            }
            State::Code => match b {
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b'/' if matches!(out.get(i + 1), Some(b'/') | Some(b'*')) => {
                    state = if out[i + 1] == b'/' {
                        State::LineComment
                    } else {
                        State::BlockComment
                    };
                    out[i] = b' ';
                    out[i + 1] = b' ';
                    i += 1;
                }
                b'}' | b']' => {
                    if let Some(comma) = pending_comma.take() {
                        out[comma] = b' ';
                    }
                    previous = b;
                }
                b',' => {
                    pending_comma = (!matches!(previous, b'[' | b'{' | b',')).then_some(i);
                    previous = b;
                }
                b'"' => {
                    pending_comma = None;
                    state = State::Str;
                }
                _ => {
                    pending_comma = None;
                    previous = b;
                }
            },
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_trailing_commas_are_accepted() {
        let text = r#"{
            // a comment with "quotes" and a , comma
            "a": [1, 2, /* inline */ 3,],
            "b": "keeps // and /* */ and ,] inside strings",
            "c": {"d": true,},
        }"#;
        let value = parse(text).unwrap();
        assert_eq!(
            value.to_string(),
            r#"{"a":[1,2,3],"b":"keeps // and /* */ and ,] inside strings","c":{"d":true}}"#
        );
    }

    #[test]
    fn errors_keep_the_line_and_column_of_the_original() {
        let text = "{\n  // note\n  \"a\": 1,\n  \"b\": oops\n}";
        let err = parse(text).unwrap_err();
        assert_eq!((err.line, err.column), (4, 8));
        assert!(err.reason.contains("expected value"), "{}", err.reason);
    }

    #[test]
    fn escaped_quotes_do_not_end_strings() {
        let value = parse(r#"{"a": "x\"//y", "b": 1,}"#).unwrap();
        assert_eq!(value["a"], "x\"//y");
    }

    #[test]
    fn a_lone_comma_is_still_an_error() {
        assert!(parse("[,]").is_err());
        assert!(parse("{\"a\":1,,}").is_err());
    }
}
