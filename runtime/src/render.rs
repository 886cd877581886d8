//! Message templates → text a careful human agent would write: dates as
//! "3 March 2026", money as "$129.00", order numbers as "#1042", lists of
//! orders one per line with their date, items, total and status.

use crate::machine::{Machine, Path, Piece};
use crate::session::Session;
use crate::slots::ID_FIELDS;
use crate::value::{Value, push_number};

/// Renders a template against a session's variables.
pub(crate) fn render(machine: &Machine, session: &Session, pieces: &[Piece], out: &mut String) {
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Field(path) => {
                let name = path
                    .fields
                    .last()
                    .map_or_else(|| machine.var_name(path.var), AsRef::as_ref);
                // As an expression reads it: a field of each item of a list
                // (`$items.name`) too.
                write_value(&crate::eval::lookup(session, path), name, out);
            }
            Piece::List(path) => write_list(lookup(session, path), out),
            Piece::Phrase(path) => out.push_str(phrase(machine, lookup(session, path)).0),
        }
    }
}

/// The plain words for a carrier code: the table's phrase, its AfterShip
/// tag's, or the fallback — never the code itself. The flag is false when
/// the fallback stood in.
pub(crate) fn phrase<'m>(machine: &'m Machine, value: &Value) -> (&'m str, bool) {
    let fallback = machine.carrier.as_ref().map_or(
        keel_compiler::vocabulary::DEFAULT_FALLBACK,
        |(_, fallback)| fallback.as_str(),
    );
    match (&machine.carrier, value) {
        (Some((phrases, _)), Value::Text(code)) => {
            keel_compiler::vocabulary::phrase_for(phrases, fallback, code)
        }
        _ => (fallback, false),
    }
}

/// Appends the carrier codes a template shows through the fallback phrase.
pub(crate) fn untranslated(
    machine: &Machine,
    session: &Session,
    pieces: &[Piece],
    out: &mut Vec<std::sync::Arc<str>>,
) {
    for piece in pieces {
        if let Piece::Phrase(path) = piece {
            let value = lookup(session, path);
            if !phrase(machine, value).1 {
                out.push(std::sync::Arc::from(value.plain().as_str()));
            }
        }
    }
}

/// Room for a template's text: `base`, and a line for each item of its
/// lists, so a list of orders is written without growing the string.
pub(crate) fn capacity(session: &Session, pieces: &[Piece], base: usize) -> usize {
    pieces.iter().fold(base, |room, piece| match piece {
        Piece::List(path) => room + 96 * lookup(session, path).as_list().map_or(0, <[Value]>::len),
        _ => room,
    })
}

/// The value at a path, `Null` when any part is missing — a list's field
/// too: a list, a carrier phrase or a match reads a path this way; a
/// field and an expression as [`crate::eval::lookup`] does.
pub(crate) fn lookup<'a>(session: &'a Session, path: &Path) -> &'a Value {
    let mut value = session
        .vars
        .get(usize::from(path.var.0))
        .unwrap_or(&Value::Null);
    for field in path.fields.iter() {
        value = value.field(field).unwrap_or(&Value::Null);
    }
    value
}

/// One value, as a sentence would show it; `name` is the field's name.
pub(crate) fn write_value(value: &Value, name: &str, out: &mut String) {
    match value {
        Value::Null => out.push_str("not available yet"),
        Value::Bool(true) => out.push_str("yes"),
        Value::Bool(false) => out.push_str("no"),
        Value::Number(number) => write_number(*number, out),
        Value::Text(text) => {
            if ID_FIELDS.contains(&name) || name == "order_id" {
                write_id(text, out);
            } else if name == "status" {
                write_status(text, out);
            } else {
                out.push_str(text);
            }
        }
        Value::Date(date) => date.write_long(out),
        Value::Money(money) => money.write_display(out),
        Value::List(items) => {
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(if index + 1 == items.len() {
                        " and "
                    } else {
                        ", "
                    });
                }
                write_value(item, name, out);
            }
        }
        Value::Record(_) => write_summary(value, out),
    }
}

fn write_number(number: f64, out: &mut String) {
    if number.fract() == 0.0 && number.abs() < 1.0e15 {
        if number < 0.0 {
            out.push('-');
        }
        push_number(out, number.abs() as u64);
    } else {
        out.push_str(&number.to_string());
    }
}

/// Order numbers read as "#1042".
fn write_id(text: &str, out: &mut String) {
    if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        out.push('#');
    }
    out.push_str(text);
}

/// `pending_payment` → "pending payment"; Magento's `holded` → "on hold".
fn write_status(text: &str, out: &mut String) {
    match text {
        "holded" => out.push_str("on hold"),
        _ if !text.as_bytes().contains(&b'_') => out.push_str(text),
        _ => {
            for character in text.chars() {
                out.push(if character == '_' { ' ' } else { character });
            }
        }
    }
}

/// A list, one item per line, numbered so "the second one" is easy to say.
fn write_list(value: &Value, out: &mut String) {
    match value {
        Value::List(items) if !items.is_empty() => {
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push('\n');
                }
                push_number(out, index as u64 + 1);
                out.push_str(". ");
                write_value(item, "", out);
            }
        }
        Value::List(_) | Value::Null => out.push_str("(none)"),
        other => write_value(other, "", out),
    }
}

/// A record on one line: "Order #1042, placed 3 March 2026: Trail shoes,
/// $129.00 (Shipped)"; a record of another shape with a `summary` text
/// field is shown as that text (the catalog's own words for it), else as
/// its fields.
fn write_summary(record: &Value, out: &mut String) {
    let Value::Record(fields) = record else {
        return;
    };
    // One pass over the fields; ids by preference (increment_id first).
    let mut id: Option<(usize, &str)> = None;
    let mut created = None;
    let mut items = None;
    let mut total = None;
    let mut status = None;
    for (name, value) in fields.iter() {
        match (name.as_ref(), value) {
            (name, Value::Text(text)) if ID_FIELDS.contains(&name) => {
                let rank = ID_FIELDS
                    .iter()
                    .position(|field| *field == name)
                    .unwrap_or(usize::MAX);
                if id.is_none_or(|(best, _)| rank < best) {
                    id = Some((rank, text));
                }
            }
            ("created_at", Value::Date(date)) => created = Some(*date),
            ("items", Value::Text(text)) => items = Some(text.as_ref()),
            ("total" | "grand_total", Value::Money(money)) => total = Some(*money),
            ("status", Value::Text(text)) => status = Some(text.as_ref()),
            _ => {}
        }
    }
    let start = out.len();
    if let Some((_, id)) = id {
        out.push_str("Order ");
        write_id(id, out);
    }
    if let Some(date) = created {
        out.push_str(if out.len() > start {
            ", placed "
        } else {
            "Placed "
        });
        date.write_long(out);
    }
    if items.is_some() || total.is_some() {
        if out.len() > start {
            out.push_str(": ");
        }
        if let Some(items) = items {
            out.push_str(items);
        }
        if let Some(total) = total {
            if items.is_some() {
                out.push_str(", ");
            }
            total.write_display(out);
        }
    }
    if let Some(status) = status {
        out.push_str(" (");
        let from = out.len();
        write_status(status, out);
        // Statuses read as labels in a list: "(Pending payment)".
        if let Some(first) = out[from..].chars().next() {
            if first.is_ascii_lowercase() {
                out.replace_range(from..from + 1, &first.to_ascii_uppercase().to_string());
            }
        }
        out.push(')');
    }
    if out.len() == start {
        if let Some(Value::Text(summary)) = record.field("summary") {
            out.push_str(summary);
            return;
        }
        // A record of another shape: its fields, in order.
        {
            for (index, (name, value)) in fields.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                out.push_str(name);
                out.push_str(": ");
                write_value(value, name, out);
            }
        }
    }
}
