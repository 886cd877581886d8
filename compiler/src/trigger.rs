//! The front matter's `trigger:`: which external event starts a policy,
//! and on what condition.
//!
//! ```text
//! trigger: carrier_scan_gap
//! trigger: { event: carrier_scan_gap, when: "$event.hours_since_scan >= 48" }
//! ```
//!
//! The event kind must be declared in the catalog's `[events]` with the
//! record type of its data; the policy then starts with `$event` bound to
//! that record (the extractor's scope and the verifier's dataflow both
//! know it from the first step). The condition is a conjunction (`and`) of
//! comparisons of `$event` fields with literals: `>=`, `>`, `<=`, `<`,
//! `==`. An event whose condition does not hold starts nothing (the
//! server records it as unmatched).

use crate::catalog::{Catalog, Type};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Expr, Path, Trigger};
use crate::syntax::Document;

/// The variable an event's data is bound to.
pub const EVENT_VAR: &str = "event";

/// Reads the document's `trigger:` against the catalog; `None` when there
/// is none (or it cannot be read: then a diagnostic says why).
pub fn read(
    document: &Document,
    catalog: &Catalog,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Trigger> {
    let entry = document.front_matter_value("trigger")?;
    let span = entry.span;
    let bad = |message: String, hint: &str| {
        Diagnostic::error(codes::BAD_TRIGGER, message)
            .at(span)
            .hint(hint.to_string())
    };
    let value = entry.value.trim();
    let (event, when) = match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
        Some(inner) => {
            let mut event = None;
            let mut when = None;
            for part in split_outside_quotes(inner, ',') {
                let Some((key, value)) = part.split_once(':') else {
                    diagnostics.push(bad(
                        format!("`{}` is not `key: value`", part.trim()),
                        "write `trigger: { event: KIND, when: \"$event.FIELD >= N\" }`",
                    ));
                    return None;
                };
                let value = unquote(value.trim());
                match key.trim() {
                    "event" => event = Some(value),
                    "when" => when = Some(value),
                    other => {
                        diagnostics.push(bad(
                            format!("the trigger has no `{other}`"),
                            "a trigger has `event` and, optionally, `when`",
                        ));
                        return None;
                    }
                }
            }
            (event, when)
        }
        None => (Some(unquote(value)), None),
    };
    let Some(event) = event.filter(|event| !event.is_empty()) else {
        diagnostics.push(bad(
            "the trigger names no event".to_string(),
            "write `trigger: { event: KIND }` with a kind from the catalog's [events]",
        ));
        return None;
    };
    let Some(declared) = catalog.events.get(&event) else {
        let known: Vec<&str> = catalog.events.keys().map(String::as_str).collect();
        diagnostics.push(
            Diagnostic::error(
                codes::UNKNOWN_EVENT,
                format!("the catalog declares no event `{event}`"),
            )
            .at(span)
            .hint(if known.is_empty() {
                format!("declare it: `[events]` `{event} = \"RecordType\"`")
            } else {
                format!("known events: {}", known.join(", "))
            }),
        );
        return None;
    };
    let record = Type::Record(declared.record.clone());
    let mut conditions = Vec::new();
    let wording = when.clone().unwrap_or_default();
    if let Some(when) = &when {
        for clause in split_and(when) {
            match comparison(&clause, &record, catalog) {
                Ok(expr) => conditions.push(expr),
                Err(message) => {
                    diagnostics.push(bad(
                        message,
                        "compare an `$event` field with a literal: `$event.hours_since_scan >= 48`",
                    ));
                    return None;
                }
            }
        }
    }
    Some(Trigger {
        event,
        record: declared.record.clone(),
        when: conditions,
        wording,
        span,
    })
}

fn unquote(text: &str) -> String {
    text.trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string()
}

/// Splits on `separator` where it is not inside quotes.
fn split_outside_quotes(text: &str, separator: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                current.push(c);
            }
            (Some(open), _) if c == open => {
                quote = None;
                current.push(c);
            }
            (None, _) if c == separator => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if !current.trim().is_empty() {
        parts.push(current);
    }
    parts
}

fn split_and(text: &str) -> Vec<String> {
    let mut clauses = vec![String::new()];
    for word in text.split_whitespace() {
        if word.eq_ignore_ascii_case("and") || word == "&&" {
            clauses.push(String::new());
        } else if let Some(last) = clauses.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    clauses
}

/// `$event.hours_since_scan >= 48` → an expression over `$event`.
fn comparison(clause: &str, record: &Type, catalog: &Catalog) -> Result<Expr, String> {
    const OPERATORS: &[&str] = &[">=", "<=", "==", "!=", ">", "<", "="];
    let Some((operator, at)) = OPERATORS
        .iter()
        .filter_map(|operator| clause.find(operator).map(|at| (*operator, at)))
        .min_by_key(|(operator, at)| (*at, usize::MAX - operator.len()))
    else {
        return Err(format!("`{clause}` compares nothing"));
    };
    let left = clause[..at].trim();
    let right = clause[at + operator.len()..].trim();
    let Some(dotted) = left.strip_prefix('$') else {
        return Err(format!("`{left}` is not an `$event` field"));
    };
    let parts: Vec<String> = dotted.split('.').map(str::to_string).collect();
    if parts.first().map(String::as_str) != Some(EVENT_VAR) || parts.len() < 2 {
        return Err(format!("`{left}` is not an `$event` field"));
    }
    let path = Path(parts);
    let field_type = catalog
        .field_type(record, path.0.get(1..).unwrap_or(&[]))
        .ok_or_else(|| format!("the event's record has no field `{}`", &dotted[6..]))?;
    let quoted = right.starts_with('"') || right.starts_with('\'');
    let literal = unquote(right);
    let numeric = matches!(
        field_type.required(),
        Type::Int | Type::Number | Type::Money
    );
    let value = if quoted || !numeric {
        if numeric {
            return Err(format!("`{left}` is a number; compare it with a number"));
        }
        Expr::Text(literal)
    } else {
        if literal.parse::<f64>().is_err() {
            return Err(format!("`{right}` is not a number"));
        }
        Expr::Number(literal)
    };
    if !numeric && !matches!(operator, "==" | "=") {
        return Err(format!("`{left}` is not a number: compare it with `==`"));
    }
    let field = Box::new(Expr::Path(path));
    let value = Box::new(value);
    Ok(match operator {
        ">=" => Expr::AtMost(value, field),
        "<=" => Expr::AtMost(field, value),
        ">" => Expr::After(field, value),
        "<" => Expr::After(value, field),
        "==" | "=" => Expr::Equals(field, value),
        _ => return Err("`!=` is not supported; write the values that should match".to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn catalog() -> Catalog {
        let mut catalog = Catalog::default();
        let mut diagnostics = Vec::new();
        catalog.load(
            SourceId::default(),
            "[events]\ncarrier_scan_gap = \"ScanGap\"\n[types.ScanGap]\norder_id = \"string\"\nhours_since_scan = \"number\"\ncarrier = \"string\"\n",
            &mut diagnostics,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        catalog
    }

    fn trigger(front: &str) -> (Option<Trigger>, Vec<Diagnostic>) {
        let text = format!("---\ntrigger: {front}\n---\n1. Say hello.\n");
        let (document, _) = crate::syntax::parse(SourceId::default(), &text);
        let mut diagnostics = Vec::new();
        (read(&document, &catalog(), &mut diagnostics), diagnostics)
    }

    #[test]
    fn reads_the_event_and_its_condition() {
        let (found, diagnostics) = trigger(
            r#"{ event: carrier_scan_gap, when: "$event.hours_since_scan >= 48 and $event.carrier == 'UPS'" }"#,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let found = found.expect("a trigger");
        assert_eq!(found.event, "carrier_scan_gap");
        assert_eq!(found.record, "ScanGap");
        let shown: Vec<String> = found.when.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["48 <= $event.hours_since_scan", "$event.carrier == \"UPS\""]
        );
        let (bare, diagnostics) = trigger("carrier_scan_gap");
        assert!(diagnostics.is_empty());
        assert!(bare.is_some_and(|bare| bare.when.is_empty()));
    }

    #[test]
    fn unknown_events_fields_and_types_are_diagnostics() {
        for (front, code) in [
            ("parcel_lost", "K0117"),
            (
                r#"{ event: carrier_scan_gap, when: "$event.days >= 2" }"#,
                "K0118",
            ),
            (
                r#"{ event: carrier_scan_gap, when: "$event.hours_since_scan >= soon" }"#,
                "K0118",
            ),
            (
                r#"{ event: carrier_scan_gap, when: "$event.carrier >= 2" }"#,
                "K0118",
            ),
            (r#"{ event: carrier_scan_gap, colour: red }"#, "K0118"),
            ("{ }", "K0118"),
        ] {
            let (found, diagnostics) = trigger(front);
            assert!(found.is_none(), "{front}");
            let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.id).collect();
            assert_eq!(codes, [code], "{front}");
        }
    }
}
