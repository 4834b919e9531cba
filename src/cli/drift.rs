//! `webflow-assets drift`: what differs between `openapi/` and Webflow's
//! published spec, for the maintainers who regenerate the client.
//!
//! Both documents are read as plain JSON values, `$ref`s resolved, and
//! each schema brought to one form so that OpenAPI 3.1's
//! `type: [string, "null"]` and `examples` compare equal to 3.0's
//! `nullable: true` and `example`. Operations are matched by method and
//! path (the two documents spell operation ids differently). Every
//! difference gets an id; `openapi/deviations.yaml` writes down, with a
//! reason, the ones that are deliberate. The report fails on a difference
//! nobody wrote down, and on a written-down deviation that no longer exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{EXIT_FAILED, EXIT_OK, Usage};

/// The operations a spec can hold.
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
/// Schema keywords compared one to one.
const KEYWORDS: [&str; 10] = [
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "default",
    "additionalProperties",
];

/// `webflow-assets drift` arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct DriftArgs {
    /// Webflow's spec (OpenAPI 3.1, YAML or JSON), e.g. openapi/v2.yml of
    /// webflow/openapi-spec, or tests/fixtures/webflow-openapi-assets.yaml.
    pub theirs: PathBuf,
    /// This crate's spec.
    #[arg(long, default_value = "openapi/webflow-assets.yaml")]
    pub ours: PathBuf,
    /// The deliberate differences, each with its reason.
    #[arg(long, default_value = "openapi/deviations.yaml")]
    pub deviations: PathBuf,
    /// Print one JSON object per difference (and per stale deviation).
    #[arg(long)]
    pub json: bool,
    /// Compare only operations whose path starts with this (Webflow's spec
    /// holds the whole Data API).
    #[arg(long, default_value = "/")]
    pub paths: String,
}

/// One difference between the two documents.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Difference {
    /// `<METHOD> <path> | <place> | <kind>`: what deviations match.
    pub id: String,
    pub operation: String,
    pub place: String,
    pub kind: String,
    pub ours: Value,
    pub theirs: Value,
}

/// A deliberate difference, written down.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Deviation {
    /// The difference ids it covers; `*` matches any text.
    id: String,
    reason: String,
}

/// What of Webflow's spec is compared: its spec is the whole Data API, this
/// crate covers part of it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Scope {
    /// Upstream operations under these tags are compared (a new one is
    /// reported as added upstream); besides them, every operation that
    /// `openapi/` holds. Without tags, every upstream operation is compared.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Scope {
    /// Whether an upstream operation is compared, given whether ours holds it.
    fn covers(&self, op: &Value, ours_holds_it: bool) -> bool {
        if self.tags.is_empty() || ours_holds_it {
            return true;
        }
        op["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|t| self.tags.iter().any(|s| s == t))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviationFile {
    /// What is compared; everything when absent.
    #[serde(default)]
    scope: Scope,
    deviations: Vec<Deviation>,
    /// Choices written down that are no difference with Webflow's spec:
    /// kept for the record, not checked.
    #[serde(default)]
    #[allow(dead_code)]
    notes: Vec<Deviation>,
}

pub(crate) fn run(args: DriftArgs) -> Result<u8, Usage> {
    let ours = read(&args.ours)?;
    let theirs = read(&args.theirs)?;
    let deviations: DeviationFile = if args.deviations.exists() {
        let text = std::fs::read_to_string(&args.deviations)
            .map_err(|e| Usage(format!("cannot read {}: {e}", args.deviations.display())))?;
        serde_saphyr::from_str(&text).map_err(|e| {
            Usage(format!(
                "{} is not a deviations file (a `deviations:` list of `id` and `reason`): {e}",
                args.deviations.display()
            ))
        })?
    } else {
        DeviationFile {
            scope: Scope::default(),
            deviations: vec![],
            notes: vec![],
        }
    };
    let Compared {
        diffs,
        compared,
        out_of_scope,
    } = compare(&ours, &theirs, &args.paths, &deviations.scope);
    let mut used = vec![0usize; deviations.deviations.len()];
    let mut undocumented = 0;
    let mut lines = Vec::new();
    let mut by_op: BTreeMap<String, Vec<(Difference, Option<String>)>> = BTreeMap::new();
    for diff in diffs {
        let found = deviations
            .deviations
            .iter()
            .position(|d| glob(&d.id, &diff.id));
        if let Some(i) = found {
            used[i] += 1;
        } else {
            undocumented += 1;
        }
        let reason = found.map(|i| deviations.deviations[i].reason.clone());
        by_op
            .entry(diff.operation.clone())
            .or_default()
            .push((diff, reason));
    }
    let stale: Vec<&Deviation> = deviations
        .deviations
        .iter()
        .zip(&used)
        .filter(|(_, n)| **n == 0)
        .map(|(d, _)| d)
        .collect();
    for (op, diffs) in &by_op {
        if !args.json {
            lines.push(op.clone());
        }
        for (diff, reason) in diffs {
            if args.json {
                let mut v = serde_json::to_value(diff).unwrap_or_default();
                v["documented"] = json!(reason);
                lines.push(v.to_string());
            } else {
                let mark = match reason {
                    Some(r) => format!("deviation: {}", r.lines().next().unwrap_or_default()),
                    None => "NOT WRITTEN DOWN".to_owned(),
                };
                lines.push(format!(
                    "  {} | {}: ours {} / theirs {}  [{mark}]",
                    diff.place,
                    diff.kind,
                    short(&diff.ours),
                    short(&diff.theirs)
                ));
            }
        }
    }
    for d in &stale {
        if args.json {
            lines.push(json!({"stale_deviation": d.id, "reason": d.reason}).to_string());
        } else {
            lines.push(format!(
                "stale deviation (no such difference any more): {} — remove it from {}",
                d.id,
                args.deviations.display()
            ));
        }
    }
    for line in &lines {
        println!("{line}");
    }
    let total: usize = by_op.values().map(Vec::len).sum();
    if deviations.scope.tags.is_empty() {
        eprintln!("scope: every operation ({compared} compared)");
    } else {
        eprintln!(
            "scope: {compared} operation(s) compared (Webflow's tagged {}, and those {} holds); {out_of_scope} upstream operation(s) out of scope, not compared (the scope is in {})",
            deviations.scope.tags.join(", "),
            args.ours.display(),
            args.deviations.display()
        );
    }
    eprintln!(
        "{total} difference(s): {} written down, {undocumented} not; {} stale deviation(s)",
        total - undocumented,
        stale.len()
    );
    if undocumented > 0 || !stale.is_empty() {
        eprintln!(
            "to fix: change {} to match, or write the difference down in {} with its reason",
            args.ours.display(),
            args.deviations.display()
        );
        Ok(EXIT_FAILED)
    } else {
        Ok(EXIT_OK)
    }
}

fn short(v: &Value) -> String {
    let text = match v {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text
    }
}

fn read(path: &Path) -> Result<Value, Usage> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Usage(format!("cannot read {}: {e}", path.display())))?;
    serde_saphyr::from_str::<Value>(&text)
        .map_err(|e| Usage(format!("{} is not YAML or JSON: {e}", path.display())))
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// What a comparison found, and how much it compared.
pub(crate) struct Compared {
    pub diffs: Vec<Difference>,
    /// Operations compared (on either side).
    pub compared: usize,
    /// Upstream operations left out by the scope.
    pub out_of_scope: usize,
}

/// Every difference of the operations under `prefix` that `scope` covers.
pub(crate) fn compare(ours: &Value, theirs: &Value, prefix: &str, scope: &Scope) -> Compared {
    let ops = |doc: &Value| -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            if !path.starts_with(prefix) {
                continue;
            }
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.insert(format!("{} {path}", method.to_uppercase()), op.clone());
                }
            }
        }
        out
    };
    let o = ops(ours);
    let mut t = ops(theirs);
    let upstream = t.len();
    t.retain(|key, op| scope.covers(op, o.contains_key(key)));
    let out_of_scope = upstream - t.len();
    let mut diffs = Vec::new();
    let keys: BTreeSet<&String> = o.keys().chain(t.keys()).collect();
    for key in keys {
        let mut cx = Cx {
            op: key.clone(),
            ours,
            theirs,
            out: &mut diffs,
        };
        let labels = ("removed upstream", "added upstream");
        if let Some((a, b)) = cx.both("operation", labels, o.get(key), t.get(key)) {
            cx.operation(a, b);
        }
    }
    Compared {
        diffs,
        compared: o.keys().chain(t.keys()).collect::<BTreeSet<_>>().len(),
        out_of_scope,
    }
}

struct Cx<'a> {
    op: String,
    ours: &'a Value,
    theirs: &'a Value,
    out: &'a mut Vec<Difference>,
}

impl Cx<'_> {
    fn push(&mut self, place: &str, kind: &str, ours: Value, theirs: Value) {
        self.out.push(Difference {
            id: format!("{} | {place} | {kind}", self.op),
            operation: self.op.clone(),
            place: place.to_owned(),
            kind: kind.to_owned(),
            ours,
            theirs,
        });
    }

    /// Something on one side only is a difference, labelled `(only ours,
    /// only theirs)`; on both sides, it is returned to compare further.
    fn both<T>(
        &mut self,
        place: &str,
        (ours_only, theirs_only): (&str, &str),
        a: Option<T>,
        b: Option<T>,
    ) -> Option<(T, T)> {
        match (a, b) {
            (Some(x), Some(y)) => Some((x, y)),
            (Some(_), None) => {
                self.push(place, ours_only, json!("present"), Value::Null);
                None
            }
            (None, Some(_)) => {
                self.push(place, theirs_only, Value::Null, json!("present"));
                None
            }
            (None, None) => None,
        }
    }

    fn operation(&mut self, a: &Value, b: &Value) {
        let a = resolve(self.ours, a, 0);
        let b = resolve(self.theirs, b, 0);
        // Parameters, by where and name.
        let params = |op: &Value| -> BTreeMap<String, Value> {
            op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    (
                        format!(
                            "{} {}",
                            p["in"].as_str().unwrap_or("?"),
                            p["name"].as_str().unwrap_or("?")
                        ),
                        p.clone(),
                    )
                })
                .collect()
        };
        let (pa, pb) = (params(&a), params(&b));
        let names: BTreeSet<&String> = pa.keys().chain(pb.keys()).collect();
        for name in names {
            let place = format!("parameter {name}");
            let labels = ("not upstream", "added upstream");
            if let Some((x, y)) = self.both(&place, labels, pa.get(name), pb.get(name)) {
                let req = |p: &Value| p["required"].as_bool().unwrap_or(false);
                if req(x) != req(y) {
                    self.push(&place, "required", json!(req(x)), json!(req(y)));
                }
                let (sx, sy) = (
                    normalize(&resolve(self.ours, &x["schema"], 0)),
                    normalize(&resolve(self.theirs, &y["schema"], 0)),
                );
                self.schema(&place, &sx, &sy);
            }
        }
        // The request body.
        let body = |op: &Value, doc: &Value| {
            let b = resolve(doc, &op["requestBody"], 0);
            (
                b.get("required").and_then(Value::as_bool).unwrap_or(false),
                media(doc, &b),
            )
        };
        let ((ra, ma), (rb, mb)) = (body(&a, self.ours), body(&b, self.theirs));
        if ra != rb {
            self.push("request body", "required", json!(ra), json!(rb));
        }
        self.media("request body", ma, mb);
        // Responses, by status.
        let responses = |op: &Value| -> BTreeMap<String, Value> {
            op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let (xa, xb) = (responses(&a), responses(&b));
        let statuses: BTreeSet<&String> = xa.keys().chain(xb.keys()).collect();
        for status in statuses {
            let place = format!("response {status}");
            let labels = ("not upstream", "added upstream");
            if let Some((x, y)) = self.both(&place, labels, xa.get(status), xb.get(status)) {
                let (x, y) = (resolve(self.ours, x, 0), resolve(self.theirs, y, 0));
                let (mx, my) = (media(self.ours, &x), media(self.theirs, &y));
                self.media(&place, mx, my);
            }
        }
    }

    /// A JSON body: its schema, and its examples.
    fn media(
        &mut self,
        place: &str,
        a: Option<(Value, Vec<Value>)>,
        b: Option<(Value, Vec<Value>)>,
    ) {
        let labels = ("body not upstream", "body added upstream");
        if let Some(((sa, ea), (sb, eb))) = self.both(place, labels, a, b) {
            self.schema(place, &sa, &sb);
            for example in &eb {
                if !ea.contains(example) {
                    self.push(place, "example differs", json!(ea.len()), example.clone());
                }
            }
        }
    }

    fn schema(&mut self, place: &str, a: &Value, b: &Value) {
        let (ta, tb) = (implied_type(a), implied_type(b));
        // A schema without a type (`items: {}`) accepts anything: no claim.
        if ta != tb && !ta.is_null() && !tb.is_null() {
            self.push(place, "type", ta, tb);
        }
        let (na, nb) = (nullable(a), nullable(b));
        if na != nb {
            let kind = if na {
                "nullable here, not upstream"
            } else {
                "nullable upstream, not here"
            };
            self.push(place, kind, json!(na), json!(nb));
        }
        for key in KEYWORDS {
            let (x, y) = (a.get(key), b.get(key));
            // An object-valued `additionalProperties` is a schema, compared below.
            if key == "additionalProperties"
                && (x.is_some_and(Value::is_object) || y.is_some_and(Value::is_object))
            {
                continue;
            }
            if x != y {
                self.push(
                    place,
                    &presence(key, x, y),
                    x.cloned().unwrap_or(Value::Null),
                    y.cloned().unwrap_or(Value::Null),
                );
            }
        }
        let set = |v: &Value| -> BTreeSet<String> {
            v.as_array()
                .into_iter()
                .flatten()
                .map(Value::to_string)
                .collect()
        };
        if set(&a["enum"]) != set(&b["enum"]) {
            let kind = presence("enum", a.get("enum"), b.get("enum"));
            self.push(place, &kind, a["enum"].clone(), b["enum"].clone());
        }
        let (qa, qb) = (set(&a["required"]), set(&b["required"]));
        for name in qb.difference(&qa) {
            self.push(
                &child(place, name.trim_matches('"')),
                "required upstream, optional here",
                json!(false),
                json!(true),
            );
        }
        for name in qa.difference(&qb) {
            self.push(
                &child(place, name.trim_matches('"')),
                "required here, optional upstream",
                json!(true),
                json!(false),
            );
        }
        let props = |v: &Value| v["properties"].as_object().cloned().unwrap_or_default();
        let (pa, pb) = (props(a), props(b));
        let names: BTreeSet<&String> = pa.keys().chain(pb.keys()).collect();
        for name in names {
            let at = child(place, name);
            let labels = ("property not upstream", "property added upstream");
            if let Some((x, y)) = self.both(&at, labels, pa.get(name), pb.get(name)) {
                self.schema(&at, x, y);
            }
        }
        if a.get("items").is_some() || b.get("items").is_some() {
            self.schema(&format!("{place}[]"), &a["items"], &b["items"]);
        }
        if let (Some(x @ Value::Object(_)), Some(y @ Value::Object(_))) =
            (a.get("additionalProperties"), b.get("additionalProperties"))
        {
            self.schema(&format!("{place}{{*}}"), x, y);
        }
    }
}

/// The type a schema states, or implies by its `properties` or `items`
/// (Webflow's spec often leaves `type: object` out).
fn implied_type(schema: &Value) -> Value {
    match &schema["type"] {
        Value::Null if schema.get("properties").is_some() => json!("object"),
        Value::Null if schema.get("items").is_some() => json!("array"),
        t => t.clone(),
    }
}

/// The kind of a keyword's difference: only here, only upstream, or changed
/// (so that a deviation for one does not hide the others).
fn presence(key: &str, ours: Option<&Value>, theirs: Option<&Value>) -> String {
    match (ours, theirs) {
        (Some(_), None) => format!("{key} here only"),
        (None, Some(_)) => format!("{key} upstream only"),
        _ => format!("{key} changed"),
    }
}

/// The place of a property: `response 200 .assets[].id`.
fn child(place: &str, name: &str) -> String {
    if place.contains(" .") {
        format!("{place}.{name}")
    } else {
        format!("{place} .{name}")
    }
}

fn nullable(schema: &Value) -> bool {
    schema["nullable"] == Value::Bool(true)
}

/// The `application/json` body of a request or response: its schema
/// (resolved, normalized) and every example given for it.
fn media(doc: &Value, holder: &Value) -> Option<(Value, Vec<Value>)> {
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
fn resolve(doc: &Value, value: &Value, depth: usize) -> Value {
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
