//! What a node or a CMS field value names, and the same value with a
//! replaced asset's references moved: one walk over any JSON, so that a
//! field type or node field Webflow adds later is read too.

use serde_json::Value;

use super::UseKind;
use super::html;
use super::refs::{self, Known};
use crate::types::DomNode;

/// How the strings of a value are read.
#[derive(Clone, Copy)]
enum Text {
    /// As HTML: each URL's kind from its tag and attribute.
    Html,
    /// As plain text: each URL is a use of this kind.
    Plain(UseKind),
}

/// The (asset id, kind) pairs a node names: its image, its text's HTML, its
/// custom attributes, and its component overrides (whatever their type).
pub(crate) fn node_uses(node: &DomNode, known: &Known) -> Vec<(String, UseKind)> {
    let mut out = Vec::new();
    if let Some(id) = node.image.as_ref().and_then(|i| i.asset_id.as_ref()) {
        out.push((id.clone(), UseKind::ImageNode));
    }
    if let Some(h) = node.text.as_ref().and_then(|t| t.html.as_deref()) {
        strings(h, Text::Html, known, &mut out);
    }
    for value in node.attributes.iter().flat_map(|a| a.values()) {
        walk(value, UseKind::ImageNode, Text::Plain(UseKind::HtmlAttribute), known, &mut out);
    }
    for value in node.property_overrides.iter().flatten() {
        walk(value, UseKind::ImageNode, Text::Plain(UseKind::HtmlText), known, &mut out);
    }
    dedup(out)
}

/// The (asset id, kind) pairs a CMS field value names, given the field's
/// type: file objects by `fileId`, and every string by its URLs.
pub(crate) fn field_uses(field_type: &str, value: &Value, known: &Known) -> Vec<(String, UseKind)> {
    let (by_id, text) = field_kinds(field_type);
    let mut out = Vec::new();
    walk(value, by_id, text, known, &mut out);
    dedup(out)
}

fn field_kinds(field_type: &str) -> (UseKind, Text) {
    match field_type {
        "Image" | "MultiImage" => (UseKind::ImageField, Text::Plain(UseKind::ImageField)),
        "File" => (UseKind::FileField, Text::Plain(UseKind::FileField)),
        "RichText" => (UseKind::FileField, Text::Html),
        "Link" | "VideoLink" => (UseKind::FileField, Text::Plain(UseKind::LinkField)),
        _ => (UseKind::FileField, Text::Plain(UseKind::TextField)),
    }
}

/// Objects holding `fileId` or `assetId` name that asset (as `by_id`); a
/// string under the key `html` is HTML; every other string is read as
/// `text` says.
fn walk(value: &Value, by_id: UseKind, text: Text, known: &Known, out: &mut Vec<(String, UseKind)>) {
    match value {
        Value::Object(map) => {
            for key in ["fileId", "assetId"] {
                if let Some(id) = map.get(key).and_then(Value::as_str) {
                    let kind = if key == "assetId" { UseKind::ImageNode } else { by_id };
                    out.push((id.to_owned(), kind));
                }
            }
            // A file object's `url` is the file its `fileId` names: one use.
            let file = map.get("fileId").is_some_and(Value::is_string);
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("fileId" | "assetId", _) => {}
                    ("url", _) if file => {}
                    ("html", Value::String(h)) => strings(h, Text::Html, known, out),
                    _ => walk(v, by_id, text, known, out),
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| walk(v, by_id, text, known, out)),
        Value::String(s) => strings(s, text, known, out),
        _ => {}
    }
}

fn strings(s: &str, text: Text, known: &Known, out: &mut Vec<(String, UseKind)>) {
    match text {
        Text::Html => out.extend(html::uses(s, known).into_iter().map(|(f, k)| (f.asset_id, k))),
        Text::Plain(kind) => out.extend(refs::find(s, known).into_iter().map(|f| (f.asset_id, kind))),
    }
}

/// Each (asset, kind) once, in the order first named; ids compared without
/// case, as Webflow's are hex.
fn dedup(list: Vec<(String, UseKind)>) -> Vec<(String, UseKind)> {
    let mut seen = std::collections::BTreeSet::new();
    list.into_iter()
        .filter(|(id, kind)| seen.insert((id.to_ascii_lowercase(), *kind)))
        .collect()
}

/// What a replaced asset becomes.
pub(crate) struct Move<'a> {
    pub new_id: &'a str,
    pub new_url: &'a str,
}

/// `value` with every reference to a replaced asset moved: a `fileId` (its
/// object's `url` set to the new one, its alt text and every other key
/// kept), and every URL in every string, each string's other bytes kept.
/// `replacing` maps an asset id to its move; each old id moved is pushed
/// to `moved`. `None` when nothing changed.
pub(crate) fn rewrite<'a>(
    value: &Value,
    known: &Known,
    replacing: &dyn Fn(&str) -> Option<Move<'a>>,
    moved: &mut Vec<String>,
) -> Option<Value> {
    match value {
        Value::Object(map) => {
            let mut new = map.clone();
            let mut changed = false;
            if let Some(m) = map.get("fileId").and_then(Value::as_str).and_then(|id| {
                let m = replacing(id)?;
                moved.push(id.to_owned());
                Some(m)
            }) {
                new.insert("fileId".into(), Value::String(m.new_id.to_owned()));
                new.insert("url".into(), Value::String(m.new_url.to_owned()));
                changed = true;
            }
            for (key, v) in map {
                if key == "fileId" || (changed && key == "url") {
                    continue;
                }
                if let Some(v) = rewrite(v, known, replacing, moved) {
                    new.insert(key.clone(), v);
                    changed = true;
                }
            }
            changed.then_some(Value::Object(new))
        }
        Value::Array(list) => {
            let mut changed = false;
            let new: Vec<Value> = list
                .iter()
                .map(|v| match rewrite(v, known, replacing, moved) {
                    Some(n) => {
                        changed = true;
                        n
                    }
                    None => v.clone(),
                })
                .collect();
            changed.then_some(Value::Array(new))
        }
        Value::String(s) => refs::rewrite(s, known, |id| {
            let m = replacing(id)?;
            moved.push(id.to_owned());
            Some(m.new_url.to_owned())
        })
        .map(Value::String),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const A: &str = "659595234426a9fcbad57043";

    #[test]
    fn each_field_type_names_its_assets_with_its_kind() {
        let url = format!("https://cdn/s/{A}_doc.pdf");
        let known = Known::default();
        let b = "0000000000000000000000bb";
        assert_eq!(
            field_uses("Image", &json!({"fileId": b, "url": "u", "alt": "a"}), &known),
            [(b.to_owned(), UseKind::ImageField)]
        );
        assert_eq!(
            field_uses("MultiImage", &json!([{"url": url}, {"fileId": b}]), &known),
            [(A.to_owned(), UseKind::ImageField), (b.to_owned(), UseKind::ImageField)]
        );
        assert_eq!(field_uses("File", &json!({"fileId": A, "url": url}), &known), [(A.to_owned(), UseKind::FileField)]);
        assert_eq!(
            field_uses("RichText", &json!(format!("<p><a href=\"{url}\">PDF</a><img src=\"{url}\"></p>")), &known),
            [(A.to_owned(), UseKind::RichTextLink), (A.to_owned(), UseKind::RichTextImage)]
        );
        assert_eq!(field_uses("Link", &json!(url), &known), [(A.to_owned(), UseKind::LinkField)]);
        assert_eq!(
            field_uses("PlainText", &json!(format!("<script src='{url}'>")), &known),
            [(A.to_owned(), UseKind::TextField)]
        );
        // A type Webflow adds later, with a file object and a URL inside.
        assert_eq!(
            field_uses("Hologram", &json!({"poster": {"fileId": b}, "src": url}), &known),
            [(b.to_owned(), UseKind::FileField), (A.to_owned(), UseKind::TextField)]
        );
        assert!(field_uses("PlainText", &json!("no asset here"), &known).is_empty());
    }

    #[test]
    fn rewrite_moves_ids_and_urls_keeping_the_rest() {
        let old_url = format!("https://cdn/s/{A}_doc.pdf");
        let replacing = |id: &str| id.eq_ignore_ascii_case(A).then_some(Move { new_id: "n", new_url: "https://cdn/s/n_doc.pdf" });
        let mut moved = vec![];
        let v = json!({"fileId": A, "url": old_url, "alt": "kept"});
        assert_eq!(
            rewrite(&v, &Known::default(), &replacing, &mut moved),
            Some(json!({"fileId": "n", "url": "https://cdn/s/n_doc.pdf", "alt": "kept"}))
        );
        let v = json!(format!("Get <a href=\"{old_url}\" class=x>it</a>"));
        assert_eq!(
            rewrite(&v, &Known::default(), &replacing, &mut moved),
            Some(json!("Get <a href=\"https://cdn/s/n_doc.pdf\" class=x>it</a>"))
        );
        assert_eq!(moved, [A, A]);
        assert_eq!(rewrite(&json!({"x": "y", "n": 1}), &Known::default(), &replacing, &mut moved), None);
    }
}
