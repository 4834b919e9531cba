//! Whether a schema of `openapi/` takes one of Webflow's examples: a
//! pattern, enum, bound, format or required field that refuses what
//! Webflow itself shows is a contradiction, not a deviation.
//!
//! Hand-written over the keywords OpenAPI 3.0 schemas use (after
//! [`normalize`]): a JSON Schema validator such as `jsonschema` would first
//! need `nullable` and `$ref`s into `components` rewritten into JSON Schema,
//! which is the larger part of this file's work.

use serde_json::Value;

use super::schema::{implied_type, normalize, nullable};

/// Why `schema` refuses `value` (the first reason, with its place), or
/// `None` when it takes it. `schema` is resolved (no `$ref`).
pub(super) fn refusal(schema: &Value, value: &Value) -> Option<String> {
    check(&normalize(schema), value, "").err()
}

fn check(schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let here = if at.is_empty() { "the example" } else { at };
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array)
            && !alternatives
                .iter()
                .any(|s| check(&normalize(s), value, at).is_ok())
        {
            return Err(format!("{here} matches none of the {key} schemas"));
        }
    }
    for s in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check(&normalize(s), value, at)?;
    }
    if value.is_null() {
        let typed = !implied_type(schema).is_null() || schema.get("enum").is_some();
        return if typed && !nullable(schema) {
            Err(format!("{here} is null, and the schema is not nullable"))
        } else {
            Ok(())
        };
    }
    if let Some(list) = schema.get("enum").and_then(Value::as_array)
        && !list.contains(value)
    {
        return Err(format!(
            "{here} {value} is not one of {}",
            Value::Array(list.clone())
        ));
    }
    let ty = implied_type(schema);
    let ok = match ty.as_str() {
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        _ => true,
    };
    if !ok {
        return Err(format!("{here} {} is not of type {ty}", short(value)));
    }
    match value {
        Value::String(s) => string(schema, s, here),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or_default();
            if schema["minimum"].as_f64().is_some_and(|m| x < m)
                || schema["maximum"].as_f64().is_some_and(|m| x > m)
            {
                return Err(format!("{here} {x} is out of the schema's bounds"));
            }
            Ok(())
        }
        Value::Array(items) => {
            let n = items.len() as u64;
            if schema["minItems"].as_u64().is_some_and(|m| n < m)
                || schema["maxItems"].as_u64().is_some_and(|m| n > m)
            {
                return Err(format!("{here} has {n} items, out of the schema's bounds"));
            }
            match schema.get("items") {
                Some(item) => items
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, v)| check(&normalize(item), v, &format!("{at}[{i}]"))),
                None => Ok(()),
            }
        }
        Value::Object(map) => {
            for name in schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !map.contains_key(name) {
                    return Err(format!("{here} lacks the required {name}"));
                }
            }
            let props = schema["properties"].as_object();
            for (k, v) in map {
                let place = format!("{at}.{k}");
                match (
                    props.and_then(|p| p.get(k)),
                    schema.get("additionalProperties"),
                ) {
                    (Some(s), _) => check(&normalize(s), v, &place)?,
                    (None, Some(Value::Bool(false))) => {
                        return Err(format!("{place} is not a property the schema allows"));
                    }
                    (None, Some(extra)) if extra.is_object() => {
                        check(&normalize(extra), v, &place)?
                    }
                    (None, _) => {}
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn string(schema: &Value, s: &str, here: &str) -> Result<(), String> {
    let chars = s.chars().count() as u64;
    if schema["minLength"].as_u64().is_some_and(|m| chars < m)
        || schema["maxLength"].as_u64().is_some_and(|m| chars > m)
    {
        return Err(format!("{here} {s:?} is out of the schema's length bounds"));
    }
    if let Some(p) = schema["pattern"].as_str() {
        let re = regress::Regex::new(p)
            .map_err(|e| format!("the pattern {p:?} does not compile: {e}"))?;
        if re.find(s).is_none() {
            return Err(format!("{here} {s:?} does not match the pattern {p:?}"));
        }
    }
    // The generated types decode date-times with chrono: so must the example.
    if schema["format"] == "date-time" && chrono::DateTime::parse_from_rfc3339(s).is_err() {
        return Err(format!("{here} {s:?} is not an RFC 3339 date-time"));
    }
    Ok(())
}

fn short(v: &Value) -> String {
    let t = v.to_string();
    if t.chars().count() > 40 {
        format!("{}…", t.chars().take(39).collect::<String>())
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_rule_refuses_what_breaks_it() {
        let schema = json!({"type": "object", "required": ["id"], "additionalProperties": false, "properties": {
            "id": {"type": "string", "pattern": "^[0-9a-f]{24}$"},
            "n": {"type": "integer", "minimum": 0},
            "at": {"type": "string", "format": "date-time", "nullable": true},
            "kind": {"type": "string", "enum": ["a"]},
            "list": {"type": "array", "items": {"type": "string"}}}});
        assert_eq!(
            refusal(
                &schema,
                &json!({"id": "580e63e98c9a982ac9b8b741", "at": null, "list": ["x"]})
            ),
            None
        );
        for bad in [
            json!({"id": "8505ba55-ef72-629e-f85c-33e4b703d48b"}),
            json!({}),
            json!({"id": "580e63e98c9a982ac9b8b741", "n": -1}),
            json!({"id": "580e63e98c9a982ac9b8b741", "at": "yesterday"}),
            json!({"id": "580e63e98c9a982ac9b8b741", "kind": "b"}),
            json!({"id": "580e63e98c9a982ac9b8b741", "list": [1]}),
            json!({"id": "580e63e98c9a982ac9b8b741", "extra": 1}),
            json!({"id": null}),
        ] {
            assert!(refusal(&schema, &bad).is_some(), "{bad}");
        }
    }
}
