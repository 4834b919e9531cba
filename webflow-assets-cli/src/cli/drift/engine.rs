//! The comparison of two OpenAPI documents: every operation in scope,
//! matched by method and path, compared down to each schema keyword; each
//! difference gets an id that `openapi/deviations.yaml` can name.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::examples::refusal;
use super::schema::{child, implied_type, media, normalize, nullable, presence, resolve};

/// The kind of a difference no deviation can write down: `openapi/`
/// refuses an example that Webflow's own schema takes.
pub(crate) const REFUSED: &str = "example refused here";
/// An example that Webflow's own schema refuses too (its spec contradicts
/// itself): reported, and can be written down with the reason.
const REFUSED_BY_BOTH: &str = "example refused here and upstream";

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
                let examples = [&y["example"], &y["schema"]["example"]];
                for example in examples.into_iter().filter(|e| !e.is_null()) {
                    self.refused(&place, &sx, &sy, example);
                }
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
                self.refused(place, &sa, &sb, example);
                if !ea.contains(example) {
                    self.push(place, "example differs", json!(ea.len()), example.clone());
                }
            }
        }
    }

    /// An upstream example that our schema refuses.
    fn refused(&mut self, place: &str, ours: &Value, theirs: &Value, example: &Value) {
        if let Some(why) = refusal(ours, example) {
            let kind = match refusal(theirs, example) {
                None => REFUSED,
                Some(_) => REFUSED_BY_BOTH,
            };
            self.push(place, kind, json!(why), example.clone());
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
