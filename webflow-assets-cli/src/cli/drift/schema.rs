//! Schemas brought to one form, so that OpenAPI 3.1's and 3.0's ways of
//! saying the same thing compare equal, and the small helpers that name
//! places and kinds of difference.

use serde_json::{Map, Value, json};

/// The type a schema states, or implies by its `properties` or `items`
/// (Webflow's spec often leaves `type: object` out).
pub(super) fn implied_type(schema: &Value) -> Value {
    match &schema["type"] {
        Value::Null if schema.get("properties").is_some() => json!("object"),
        Value::Null if schema.get("items").is_some() => json!("array"),
        t => t.clone(),
    }
}

/// The kind of a keyword's difference: only here, only upstream, or changed
/// (so that a deviation for one does not hide the others).
pub(super) fn presence(key: &str, ours: Option<&Value>, theirs: Option<&Value>) -> String {
    match (ours, theirs) {
        (Some(_), None) => format!("{key} here only"),
        (None, Some(_)) => format!("{key} upstream only"),
        _ => format!("{key} changed"),
    }
}

/// The place of a property: `response 200 .assets[].id`.
pub(super) fn child(place: &str, name: &str) -> String {
    if place.contains(" .") {
        format!("{place}.{name}")
    } else {
        format!("{place} .{name}")
    }
}

pub(super) fn nullable(schema: &Value) -> bool {
    schema["nullable"] == Value::Bool(true)
}

/// The `application/json` body of a request or response: its schema
/// (resolved, normalized) and every example given for it.
pub(super) fn media(doc: &Value, holder: &Value) -> Option<(Value, Vec<Value>)> {
    let m = holder.get("content")?.get("application/json")?;
    let schema = normalize(&resolve(doc, &m["schema"], 0));
    let mut examples = Vec::new();
    if let Some(e) = m.get("example") {
        examples.push(e.clone());
    }
    for e in m["examples"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, v)| v)
    {
        if let Some(v) = resolve(doc, e, 0).get("value") {
            examples.push(v.clone());
        }
    }
    if let Some(e) = schema.get("example") {
        examples.push(e.clone());
    }
    Some((schema, examples))
}

/// Inlines local `$ref`s (to a bounded depth: a recursive schema stops).
pub(super) fn resolve(doc: &Value, value: &Value, depth: usize) -> Value {
    if depth > 32 {
        return value.clone();
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && let Some(pointer) = r.strip_prefix('#')
                && let Some(target) = doc.pointer(pointer)
            {
                return resolve(doc, target, depth + 1);
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), resolve(doc, v, depth + 1)))
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| resolve(doc, v, depth + 1)).collect())
        }
        other => other.clone(),
    }
}

/// One form for both versions: `type: [T, "null"]` becomes `type: T` with
/// `nullable: true`, a schema's `examples: [x, ..]` its `example: x`;
/// descriptions, titles, `readOnly` and extensions are dropped (they change
/// nothing a client decodes). A 3.1 list of alternatives in `items` (Webflow
/// writes `items: [A, B]` for "A or B") becomes `anyOf`.
pub(crate) fn normalize(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (k, v) in map {
        match k.as_str() {
            "description" | "title" | "readOnly" | "writeOnly" | "summary" => {}
            k if k.starts_with("x-") => {}
            "type" => match v {
                Value::Array(types) => {
                    let real: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                    if real.len() < types.len() {
                        out.insert("nullable".into(), Value::Bool(true));
                    }
                    out.insert(
                        "type".into(),
                        if real.len() == 1 {
                            real[0].clone()
                        } else {
                            Value::Array(real.into_iter().cloned().collect())
                        },
                    );
                }
                other => {
                    out.insert("type".into(), other.clone());
                }
            },
            "nullable" => {
                if v == &Value::Bool(true) {
                    out.insert("nullable".into(), Value::Bool(true));
                }
            }
            "examples" if v.is_array() => {
                if let Some(first) = v.as_array().and_then(|a| a.first()) {
                    out.insert("example".into(), first.clone());
                }
            }
            "properties" => {
                let props: Map<String, Value> = v
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, s)| (name.clone(), normalize(s)))
                    .collect();
                out.insert("properties".into(), Value::Object(props));
            }
            "items" => match v {
                Value::Array(alternatives) => {
                    out.insert(
                        "items".into(),
                        json!({"anyOf": alternatives.iter().map(normalize).collect::<Vec<_>>()}),
                    );
                }
                other => {
                    out.insert("items".into(), normalize(other));
                }
            },
            "additionalProperties" if v.is_object() => {
                out.insert(k.clone(), normalize(v));
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    // `default: null` says nothing a decoder uses.
    if out.get("default") == Some(&Value::Null) {
        out.remove("default");
    }
    Value::Object(out)
}
