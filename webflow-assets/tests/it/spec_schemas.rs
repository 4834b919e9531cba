//! The JSON Schemas exported from the generated types: every rule of the spec carried, bad requests refused.

use super::spec::spec;
use serde_json::{Value, json};

#[test]
fn json_schemas_of_generated_types() {
    insta::assert_json_snapshot!("json_schemas", webflow_assets::schema::all_schemas());
}

/// Every rule the spec gives a component's properties (pattern, lengths,
/// nullability, required-ness, no extra properties) is in the exported JSON
/// Schema of the generated type.
#[test]
fn exported_schemas_carry_every_rule_of_the_spec() {
    let spec = spec();
    let exported = webflow_assets::schema::all_schemas();
    let mut checked = 0;
    for (name, component) in spec["components"]["schemas"].as_object().unwrap() {
        let Some(ours) = exported.get(name) else {
            continue;
        };
        let sorted = |v: &Value| {
            let mut names: Vec<String> = v
                .as_array()
                .map(|a| a.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default();
            names.sort();
            names
        };
        assert_eq!(
            sorted(&ours["required"]),
            sorted(&component["required"]),
            "{name}: required"
        );
        if let Some(extra) = component.get("additionalProperties") {
            assert_eq!(&ours["additionalProperties"], extra, "{name}");
        }
        for (prop, rules) in component["properties"].as_object().unwrap() {
            let got = &ours["properties"][prop];
            assert!(!got.is_null(), "{name}.{prop} is not exported");
            for rule in ["pattern", "minLength", "maxLength", "enum", "format"] {
                if let Some(want) = rules.get(rule) {
                    assert_eq!(&got[rule], want, "{name}.{prop}: {rule}");
                    checked += 1;
                }
            }
            if rules.get("type").is_some() {
                let nullable = rules["nullable"] == Value::Bool(true);
                let allows_null = got["type"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!("null")));
                assert_eq!(allows_null, nullable, "{name}.{prop}: nullable");
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} rules compared");
}

/// The exported request schema, through a JSON Schema validator: the
/// documented example passes, each bad request fails.
#[test]
fn exported_request_schema_refuses_bad_requests() {
    let schema = serde_json::to_value(webflow_assets::schema::request_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the exported schema compiles");
    let hash = "3c7d87c9575702bc3b1e991f4d3c638e";
    let examples = &spec()["paths"]["/sites/{site_id}/assets"]["post"]["requestBody"]["content"]["application/json"]
        ["examples"];
    for name in ["documented", "with_folder"] {
        let example = &examples[name]["value"];
        assert!(example.is_object(), "the spec's request example {name}");
        assert!(validator.is_valid(example), "{name}: {example}");
    }
    let long = format!("{}.png", "a".repeat(96));
    for (case, bad) in [
        (
            "no extension",
            json!({"fileName": "file", "fileHash": hash}),
        ),
        (
            "name of 100 characters",
            json!({"fileName": long, "fileHash": hash}),
        ),
        (
            "name too short",
            json!({"fileName": ".p", "fileHash": hash}),
        ),
        (
            "path in the name",
            json!({"fileName": "dir/a.png", "fileHash": hash}),
        ),
        (
            "hash not hex",
            json!({"fileName": "a.png", "fileHash": "z".repeat(32)}),
        ),
        (
            "hash of 31",
            json!({"fileName": "a.png", "fileHash": &hash[1..]}),
        ),
        (
            "folder not an id",
            json!({"fileName": "a.png", "fileHash": hash, "parentFolder": "Images"}),
        ),
        (
            "null folder",
            json!({"fileName": "a.png", "fileHash": hash, "parentFolder": null}),
        ),
        (
            "extra field",
            json!({"fileName": "a.png", "fileHash": hash, "folder": "x"}),
        ),
        ("no hash", json!({"fileName": "a.png"})),
    ] {
        assert!(!validator.is_valid(&bad), "{case}: {bad} passed");
    }
}
