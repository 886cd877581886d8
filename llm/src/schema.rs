//! The small subset of JSON Schema keel sends, and a validator for it:
//! `type` (object, array, string, integer, number, boolean, null, or a list
//! of these), `properties`, `required`, `additionalProperties: false`,
//! `items`, `enum`, `maxLength`. No `pattern` or `format`: servers enforce
//! those unevenly, so keel checks such things in Rust.

use serde_json::Value;

/// Checks `value` against `schema`; the error names the first place that
/// does not conform.
pub fn validate(value: &Value, schema: &Value) -> Result<(), String> {
    check(value, schema, "$")
}

fn check(value: &Value, schema: &Value, at: &str) -> Result<(), String> {
    if let Some(types) = schema.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !allowed.iter().any(|kind| is_type(value, kind)) {
            return Err(format!("{at} is not {}", allowed.join(" or ")));
        }
    }
    if let Some(Value::Array(options)) = schema.get("enum") {
        if !options.contains(value) {
            return Err(format!("{at} = {value} is not one of the allowed values"));
        }
    }
    if let (Some(limit), Value::String(text)) =
        (schema.get("maxLength").and_then(Value::as_u64), value)
    {
        if text.chars().count() as u64 > limit {
            return Err(format!("{at} is longer than {limit} characters"));
        }
    }
    if let Value::Object(fields) = value {
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = schema.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !fields.contains_key(name) {
                    return Err(format!("{at} has no `{name}`"));
                }
            }
        }
        for (name, field) in fields {
            match properties.and_then(|properties| properties.get(name)) {
                Some(field_schema) => check(field, field_schema, &format!("{at}.{name}"))?,
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        return Err(format!("{at} has an unexpected field `{name}`"));
                    }
                    Some(extra @ Value::Object(_)) => check(field, extra, &format!("{at}.{name}"))?,
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (index, item) in items.iter().enumerate() {
            check(item, item_schema, &format!("{at}[{index}]"))?;
        }
    }
    Ok(())
}

fn is_type(value: &Value, kind: &str) -> bool {
    match kind {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::validate;
    use serde_json::json;

    #[test]
    fn enums_required_fields_and_extra_fields_are_checked() {
        let schema = json!({
            "type": "object",
            "properties": {"choice": {"type": "string", "enum": ["yes", "no", "unclear"]}},
            "required": ["choice"],
            "additionalProperties": false
        });
        assert_eq!(validate(&json!({"choice": "yes"}), &schema), Ok(()));
        assert!(validate(&json!({"choice": "cancel_all"}), &schema).is_err());
        assert!(validate(&json!({}), &schema).is_err());
        assert!(validate(&json!({"choice": "no", "tool": "x"}), &schema).is_err());
        assert!(validate(&json!(["yes"]), &schema).is_err());
    }
}
