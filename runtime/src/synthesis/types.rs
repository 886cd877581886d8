//! The types of the values synthesis chooses, read from the artifact (tool
//! results and record types as written in catalogs), and a plausible value
//! of each.

use crate::value::Date;
use keel_compiler::emit::artifact::Artifact;
use serde_json::{Map, Value as Json, json};

/// A type as catalogs write it (`Order?`, `[Item]`, `date`, `enum`).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Ty {
    String,
    Email,
    Number,
    Money,
    Bool,
    Date,
    Enum(Vec<String>),
    Record(String),
    List(Box<Ty>),
    Optional(Box<Ty>),
}

impl Ty {
    /// Reads a written type; `domain` is an enum's values when the written
    /// type is a bare `enum` (record fields carry their domain apart).
    pub(super) fn parse(written: &str, domain: Option<&[String]>) -> Ty {
        let written = written.trim();
        if let Some(inner) = written.strip_suffix('?') {
            return Ty::Optional(Box::new(Ty::parse(inner, domain)));
        }
        if let Some(inner) = written
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            return Ty::List(Box::new(Ty::parse(inner, None)));
        }
        if let Some(values) = written
            .strip_prefix("enum(")
            .and_then(|rest| rest.strip_suffix(')'))
        {
            return Ty::Enum(values.split(" | ").map(str::to_string).collect());
        }
        match written {
            "string" | "str" => Ty::String,
            "email" => Ty::Email,
            "int" | "number" => Ty::Number,
            "money" => Ty::Money,
            "bool" => Ty::Bool,
            "date" => Ty::Date,
            "enum" => Ty::Enum(domain.map(<[String]>::to_vec).unwrap_or_default()),
            name => Ty::Record(name.to_string()),
        }
    }

    /// The type without its `?`.
    pub(super) fn required(&self) -> &Ty {
        match self {
            Ty::Optional(inner) => inner.required(),
            other => other,
        }
    }
}

/// The type of a record's field, from the artifact's `types`.
pub(super) fn field_type(artifact: &Artifact, record: &str, field: &str) -> Option<Ty> {
    let entry = artifact.types.get(record)?.get(field)?;
    Some(Ty::parse(&entry.ty, entry.domain.as_deref()))
}

/// A plausible value of a type (optional fields filled in), by field name:
/// ids look like ids, dates named like deliveries lie ahead, others behind.
pub(super) fn default_value(
    artifact: &Artifact,
    today: Date,
    ty: &Ty,
    field: &str,
    depth: usize,
) -> Json {
    if depth > 8 {
        return Json::Null;
    }
    match ty {
        Ty::Optional(inner) => default_value(artifact, today, inner, field, depth),
        Ty::String => {
            if field == "id" || field.ends_with("_id") {
                Json::String("1001".to_string())
            } else if field.contains("number") || field.contains("code") {
                Json::String("KP1001".to_string())
            } else if field.is_empty() {
                Json::String("ok".to_string())
            } else {
                Json::String(format!("Sample {}", field.replace('_', " ")))
            }
        }
        Ty::Email => Json::String("customer@example.com".to_string()),
        Ty::Number => json!(1),
        Ty::Money => json!({"amount": "49.00", "currency": "USD"}),
        Ty::Bool => Json::Bool(true),
        Ty::Date => {
            let future = ["estimated", "expected", "expires", "due", "delivery"]
                .iter()
                .any(|word| field.contains(word));
            let days = if future { 5 } else { -7 };
            Json::String(today.plus_days(days).iso())
        }
        Ty::Enum(values) => values
            .first()
            .map_or(Json::Null, |value| Json::String(value.clone())),
        Ty::Record(name) => {
            let mut record = Map::new();
            if let Some(fields) = artifact.types.get(name) {
                for (field, entry) in fields {
                    let ty = Ty::parse(&entry.ty, entry.domain.as_deref());
                    record.insert(
                        field.clone(),
                        default_value(artifact, today, &ty, field, depth + 1),
                    );
                }
            }
            Json::Object(record)
        }
        Ty::List(inner) => Json::Array(vec![default_value(
            artifact,
            today,
            inner,
            field,
            depth + 1,
        )]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_types_are_read_back() {
        assert_eq!(
            Ty::parse("[Order]?", None),
            Ty::Optional(Box::new(Ty::List(Box::new(Ty::Record("Order".into())))))
        );
        let domain = ["a".to_string(), "b".to_string()];
        assert_eq!(
            Ty::parse("enum?", Some(&domain)),
            Ty::Optional(Box::new(Ty::Enum(domain.to_vec())))
        );
        assert_eq!(
            Ty::parse("enum(x | y)", None),
            Ty::Enum(vec!["x".into(), "y".into()])
        );
        assert_eq!(Ty::parse("int", None), Ty::Number);
        assert_eq!(Ty::parse("date?", None).required(), &Ty::Date);
    }
}
