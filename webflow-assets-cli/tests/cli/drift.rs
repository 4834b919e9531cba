//! The drift report between `openapi/` and Webflow's published spec: on
//! today's vendored spec it finds only written-down deviations; on small
//! hand-made pairs it names each kind of change, finds none where there is
//! none, and reads OpenAPI 3.1 and 3.0 forms of the same thing as equal.

use crate::common;

use std::path::Path;

use common::cli::{cli, output, text};
use serde_json::Value;

struct Report {
    code: Option<i32>,
    diffs: Vec<Value>,
    stale: Vec<String>,
    stderr: String,
}

async fn drift(dir: &Path, ours: &str, theirs: &str, deviations: &str) -> Report {
    std::fs::write(dir.join("ours.yaml"), ours).unwrap();
    std::fs::write(dir.join("theirs.yaml"), theirs).unwrap();
    std::fs::write(dir.join("deviations.yaml"), deviations).unwrap();
    let mut cmd = cli(dir);
    cmd.args([
        "drift",
        "theirs.yaml",
        "--ours",
        "ours.yaml",
        "--deviations",
        "deviations.yaml",
        "--json",
    ]);
    report(output(cmd).await)
}

fn report(out: std::process::Output) -> Report {
    let mut diffs = Vec::new();
    let mut stale = Vec::new();
    for line in text(&out.stdout).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        match v.get("stale_deviation") {
            Some(id) => stale.push(id.as_str().unwrap().to_owned()),
            None => diffs.push(v),
        }
    }
    Report {
        code: out.status.code(),
        diffs,
        stale,
        stderr: text(&out.stderr),
    }
}

/// A one-operation spec: `GET /things/{id}` answering `schema`, with
/// `params` as extra parameters, in OpenAPI `version`.
fn spec(version: &str, params: &str, schema: &str) -> String {
    format!(
        r#"openapi: {version}
info: {{title: t, version: "1"}}
paths:
  /things/{{id}}:
    get:
      operationId: get_thing
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
{params}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
{schema}
"#
    )
}

const BASE: &str = r#"                type: object
                required: [id]
                properties:
                  id: {type: string}
                  size: {type: integer, minimum: 0}
                  kind: {type: string, enum: [a, b]}
                  alt: {type: string, nullable: true}
                  url: {type: string, pattern: "^https://"}"#;

/// An optional `localeId` query parameter, as `spec`'s `params`.
const LOCALE: &str = "        - {name: localeId, in: query, schema: {type: string}}";

const NO_DEVIATIONS: &str = "deviations: []\n";

fn ids(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = r
        .diffs
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn todays_webflow_spec_has_only_written_down_deviations() {
    let root = &Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cmd = cli(root);
    cmd.args([
        "drift",
        "webflow-assets/tests/fixtures/webflow-openapi-v2-extract.yaml",
        "--json",
    ]);
    let r = report(output(cmd).await);
    let undocumented: Vec<&Value> = r
        .diffs
        .iter()
        .filter(|d| d["documented"].is_null())
        .collect();
    assert!(
        undocumented.is_empty(),
        "not written down: {undocumented:#?}"
    );
    assert!(r.stale.is_empty(), "stale deviations: {:?}", r.stale);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // All twenty-one operations were compared (each has documented differences).
    let ops: std::collections::BTreeSet<&str> = r
        .diffs
        .iter()
        .map(|d| d["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops.len(), 21, "{ops:?}");
}

/// Webflow's whole spec, in small: the vendored paths (among them Get Page
/// Metadata, which this crate does not hold), operations of other tags
/// (forms, users, webhooks), and, when `new_asset_op`, a new operation
/// tagged Assets.
fn whole_spec(new_asset_op: bool) -> String {
    let root = &Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(
        root.join("webflow-assets/tests/fixtures/webflow-openapi-v2-extract.yaml"),
    )
    .unwrap();
    let mut spec: Value = serde_saphyr::from_str(&text).unwrap();
    let op = |tag: &str, id: &str| {
        serde_json::json!({
            "operationId": id,
            "tags": [tag],
            "responses": {"200": {"description": "ok"}},
        })
    };
    let paths = spec["paths"].as_object_mut().unwrap();
    paths.insert(
        "/sites/{site_id}/forms".into(),
        serde_json::json!({"get": op("Forms", "list-forms")}),
    );
    paths.insert(
        "/sites/{site_id}/users".into(),
        serde_json::json!({"get": op("Users", "list-users")}),
    );
    paths.insert(
        "/sites/{site_id}/webhooks".into(),
        serde_json::json!({"post": op("Webhooks", "create-webhook")}),
    );
    if new_asset_op {
        paths.insert(
            "/assets/{asset_id}/replace".into(),
            serde_json::json!({"post": op("Assets", "replace-asset")}),
        );
    }
    serde_json::to_string(&spec).unwrap()
}

/// On Webflow's whole spec, only the scope written in
/// `openapi/deviations.yaml` is compared: other tags are out of scope (and
/// counted), a new operation under a tag this crate covers is reported.
#[tokio::test]
async fn whole_spec_is_compared_within_the_written_scope() {
    let root = &Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    for (new_asset_op, code) in [(false, 0), (true, 1)] {
        let theirs = dir.path().join("v2.json");
        std::fs::write(&theirs, whole_spec(new_asset_op)).unwrap();
        let mut cmd = cli(root);
        cmd.args(["drift", theirs.to_str().unwrap(), "--json"]);
        let r = report(output(cmd).await);
        assert_eq!(r.code, Some(code), "{}", r.stderr);
        assert!(
            r.stderr.contains("4 upstream operation(s) out of scope"),
            "{}",
            r.stderr
        );
        let undocumented: Vec<&str> = r
            .diffs
            .iter()
            .filter(|d| d["documented"].is_null())
            .map(|d| d["id"].as_str().unwrap())
            .collect();
        let want: &[&str] = if new_asset_op {
            &["POST /assets/{asset_id}/replace | operation | added upstream"]
        } else {
            &[]
        };
        assert_eq!(undocumented, want);
        assert!(
            r.diffs.iter().all(|d| {
                let op = d["operation"].as_str().unwrap();
                !["forms", "users", "webhooks", "GET /pages/{page_id} "]
                    .iter()
                    .any(|o| op.contains(o) || format!("{op} ").ends_with(o))
            }),
            "out of scope operations are not compared"
        );
    }
}

#[tokio::test]
async fn no_change_reports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec("3.0.3", "", BASE);
    let r = drift(dir.path(), &s, &s, NO_DEVIATIONS).await;
    assert!(r.diffs.is_empty(), "{:?}", ids(&r));
    assert_eq!(r.code, Some(0));
}

#[tokio::test]
async fn openapi_3_1_forms_equal_their_3_0_forms() {
    let dir = tempfile::tempdir().unwrap();
    let ours = spec(
        "3.0.3",
        "",
        r#"                type: object
                properties:
                  alt: {type: string, nullable: true, example: a chair}
                  id: {type: string, description: ours}"#,
    );
    let theirs = spec(
        "3.1.0",
        "",
        r#"                type: object
                properties:
                  alt: {type: [string, "null"], examples: [a chair]}
                  id: {type: string, description: theirs, readOnly: true, x-fern: 1}"#,
    );
    let r = drift(dir.path(), &ours, &theirs, NO_DEVIATIONS).await;
    assert!(r.diffs.is_empty(), "{:?}", ids(&r));
}

/// Each kind of change, made upstream, is reported by name.
#[tokio::test]
async fn each_kind_of_change_is_named() {
    let dir = tempfile::tempdir().unwrap();
    // Ours: the base schema and a `localeId` query parameter.
    let with_locale = |schema: &str| spec("3.0.3", LOCALE, schema);
    let ours = with_locale(BASE);
    let cases = [
        // (what changed upstream, its spec, the id expected)
        (
            "a new field",
            BASE.replace(
                "properties:",
                "properties:\n                  folderId: {type: string}",
            ),
            "GET /things/{id} | response 200 .folderId | property added upstream",
        ),
        (
            "a field removed",
            BASE.replace(
                "                  alt: {type: string, nullable: true}\n",
                "",
            ),
            "GET /things/{id} | response 200 .alt | property not upstream",
        ),
        (
            "a changed type",
            BASE.replace(
                "size: {type: integer, minimum: 0}",
                "size: {type: string, minimum: 0}",
            ),
            "GET /things/{id} | response 200 .size | type",
        ),
        (
            "a format",
            BASE.replace("id: {type: string}", "id: {type: string, format: objectid}"),
            "GET /things/{id} | response 200 .id | format upstream only",
        ),
        (
            "nullability",
            BASE.replace("alt: {type: string, nullable: true}", "alt: {type: string}"),
            "GET /things/{id} | response 200 .alt | nullable here, not upstream",
        ),
        (
            "required-ness",
            BASE.replace("required: [id]", "required: [id, size]"),
            "GET /things/{id} | response 200 .size | required upstream, optional here",
        ),
        (
            "enum values",
            BASE.replace("enum: [a, b]", "enum: [a, b, c]"),
            "GET /things/{id} | response 200 .kind | enum changed",
        ),
        (
            "a limit",
            BASE.replace("minimum: 0", "minimum: 1"),
            "GET /things/{id} | response 200 .size | minimum changed",
        ),
        (
            "a pattern",
            BASE.replace("^https://", "^https?://"),
            "GET /things/{id} | response 200 .url | pattern changed",
        ),
    ];
    for (what, schema, expected) in cases {
        let theirs = with_locale(&schema);
        let r = drift(dir.path(), &ours, &theirs, NO_DEVIATIONS).await;
        assert_eq!(ids(&r), [expected], "{what}");
        assert_eq!(r.code, Some(1), "{what}: an unwritten difference fails");
    }

    // Parameters: added, removed, changed.
    let theirs = spec(
        "3.0.3",
        "        - {name: localeId, in: query, required: true, schema: {type: string}}\n        - {name: offset, in: query, schema: {type: integer}}",
        BASE,
    );
    let r = drift(dir.path(), &ours, &theirs, NO_DEVIATIONS).await;
    assert_eq!(
        ids(&r),
        [
            "GET /things/{id} | parameter query localeId | required",
            "GET /things/{id} | parameter query offset | added upstream",
        ]
    );
    let r = drift(dir.path(), &ours, &spec("3.0.3", "", BASE), NO_DEVIATIONS).await;
    assert_eq!(
        ids(&r),
        ["GET /things/{id} | parameter query localeId | not upstream"]
    );

    // Operations: added upstream, and gone upstream.
    let more = format!(
        "{}  /others:\n    get:\n      responses:\n        \"204\": {{description: none}}\n",
        with_locale(BASE)
    );
    let r = drift(dir.path(), &ours, &more, NO_DEVIATIONS).await;
    assert_eq!(ids(&r), ["GET /others | operation | added upstream"]);
    let r = drift(dir.path(), &more, &ours, NO_DEVIATIONS).await;
    assert_eq!(ids(&r), ["GET /others | operation | removed upstream"]);

    // Examples that differ.
    let with_example = |v: &str| {
        with_locale(BASE).replace(
            "            application/json:\n",
            &format!("            application/json:\n              example: {{id: \"{v}\"}}\n"),
        )
    };
    let r = drift(
        dir.path(),
        &with_example("a"),
        &with_example("b"),
        NO_DEVIATIONS,
    )
    .await;
    assert_eq!(
        ids(&r),
        ["GET /things/{id} | response 200 | example differs"]
    );
}

/// A difference written down passes; a written-down deviation that no
/// longer exists fails, naming it.
#[tokio::test]
async fn written_down_deviations_pass_and_stale_ones_fail() {
    let dir = tempfile::tempdir().unwrap();
    let ours = spec("3.0.3", "", BASE);
    let theirs = spec(
        "3.0.3",
        "",
        &BASE.replace(
            "properties:",
            "properties:\n                  folderId: {type: string}",
        ),
    );
    let written = "deviations:\n  - id: \"* | response 200 .folderId | property added upstream\"\n    reason: not yet\n";
    let r = drift(dir.path(), &ours, &theirs, written).await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.diffs[0]["documented"], "not yet");

    let stale = format!(
        "{written}  - id: \"GET /things/{{id}} | response 200 .gone | property not upstream\"\n    reason: was true once\n"
    );
    let r = drift(dir.path(), &ours, &theirs, &stale).await;
    assert_eq!(r.code, Some(1));
    assert_eq!(
        r.stale,
        ["GET /things/{id} | response 200 .gone | property not upstream"]
    );
    assert!(r.stderr.contains("1 stale deviation"), "{}", r.stderr);

    // A deviations file that is not one is a usage error naming it.
    let r = drift(dir.path(), &ours, &theirs, "deviations: [1, 2]\n").await;
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains("deviations.yaml is not a deviations file"),
        "{}",
        r.stderr
    );
}

/// A pattern of ours that refuses Webflow's own example is reported, and no
/// deviation, not even one matching everything, writes it down.
#[tokio::test]
async fn a_schema_refusing_upstreams_example_cannot_be_written_down() {
    let dir = tempfile::tempdir().unwrap();
    let param = |schema: &str| {
        format!(
            "        - {{name: componentId, in: query, example: 8505ba55-ef72-629e-f85c-33e4b703d48b, schema: {schema}}}"
        )
    };
    let ours = spec(
        "3.0.3",
        &param(r#"{type: string, pattern: "^[0-9a-fA-F]{24}$"}"#),
        BASE,
    );
    let theirs = spec("3.1.0", &param("{type: string}"), BASE);
    let everything = "deviations:\n  - id: \"*\"\n    reason: blesses everything\n";
    let r = drift(dir.path(), &ours, &theirs, everything).await;
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let refused: Vec<&Value> = r
        .diffs
        .iter()
        .filter(|d| d["kind"] == "example refused here")
        .collect();
    assert_eq!(refused.len(), 1, "{:?}", ids(&r));
    assert!(refused[0]["documented"].is_null());
    assert!(
        refused[0]["ours"]
            .as_str()
            .unwrap()
            .contains("does not match the pattern"),
        "{}",
        refused[0]["ours"]
    );
    // Typed as upstream types it (a plain string), nothing is left.
    let fixed = spec("3.0.3", &param("{type: string}"), BASE);
    let r = drift(dir.path(), &fixed, &theirs, NO_DEVIATIONS).await;
    assert_eq!(r.code, Some(0), "{:?}", ids(&r));
}
