//! The presigned POST form Webflow returns as `uploadDetails`, kept in the
//! order the server sent it.
//!
//! Why hand-written: S3 checks every form field against the signed policy,
//! so every field must be forwarded with its exact key, including keys this
//! crate does not know yet (say `x-amz-security-token`). A generated struct
//! would drop unknown keys and lose the order; `build.rs` tells progenitor to
//! use this type wherever the spec says `UploadDetails`.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The form fields of an S3 presigned POST, in the order the server sent them.
///
/// ```
/// use webflow_assets::UploadDetails;
///
/// let details: UploadDetails = serde_json::from_str(
///     r#"{"key": "site/abc_file.png", "Policy": "eyJ...", "x-amz-security-token": "tok"}"#,
/// )?;
/// let keys: Vec<&str> = details.iter().map(|(k, _)| k).collect();
/// assert_eq!(keys, ["key", "Policy", "x-amz-security-token"]);
/// assert_eq!(details.key(), Some("site/abc_file.png"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct UploadDetails {
    fields: Vec<(String, String)>,
}

impl UploadDetails {
    /// The keys of Webflow's documented example, in its order. Others may
    /// appear and are kept.
    pub const DOCUMENTED_KEYS: [&'static str; 11] = [
        "acl",
        "bucket",
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "key",
        "Policy",
        "X-Amz-Signature",
        "success_action_status",
        "content-type",
        "Cache-Control",
    ];

    /// Builds a form from `(key, value)` pairs, keeping their order.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            fields: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The fields in the order the server sent them.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The value of a field, by exact key (S3 field names are matched
    /// case-insensitively by S3 itself, but Webflow's keys are forwarded as
    /// sent, so lookups here are exact too).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Like [`get`](Self::get), ignoring ASCII case.
    pub fn get_ignore_case(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The object key the file will be stored under (`key`).
    pub fn key(&self) -> Option<&str> {
        self.get("key")
    }

    /// The bucket (`bucket`).
    pub fn bucket(&self) -> Option<&str> {
        self.get("bucket")
    }

    /// The content type the policy requires (`content-type`).
    pub fn content_type(&self) -> Option<&str> {
        self.get_ignore_case("content-type")
    }

    /// The status S3 answers with on success (`success_action_status`).
    pub fn success_action_status(&self) -> Option<&str> {
        self.get("success_action_status")
    }
}

impl fmt::Debug for UploadDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The signature and policy are bearer-like credentials for one upload:
        // show that they are there, not what they are.
        let mut map = f.debug_map();
        for (k, v) in &self.fields {
            if is_secret_field(k) {
                map.entry(k, &"<redacted>");
            } else {
                map.entry(k, v);
            }
        }
        map.finish()
    }
}

fn is_secret_field(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key == "policy"
        || key == "x-amz-signature"
        || key == "x-amz-security-token"
        || key == "signature"
}

impl<'a> IntoIterator for &'a UploadDetails {
    type Item = (&'a str, &'a str);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a str)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl Serialize for UploadDetails {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        for (k, v) in &self.fields {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for UploadDetails {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FieldsVisitor)
    }
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = UploadDetails;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of S3 form fields with string values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut fields = Vec::with_capacity(access.size_hint().unwrap_or(12));
        while let Some(key) = access.next_key::<String>()? {
            let value = access.next_value::<FieldValue>()?;
            let value = match value {
                FieldValue::Text(s) => s,
                // S3 form fields are text; a number or boolean is sent as its
                // JSON text rather than refused, so `success_action_status: 201`
                // still works.
                FieldValue::Number(n) => n.to_string(),
                FieldValue::Bool(b) => b.to_string(),
                FieldValue::Other(kind) => {
                    return Err(de::Error::custom(format_args!(
                        "uploadDetails.{key} is {kind}, expected a string form field"
                    )));
                }
            };
            if fields.iter().any(|(k, _): &(String, String)| *k == key) {
                return Err(de::Error::custom(format_args!(
                    "uploadDetails has the key `{key}` twice"
                )));
            }
            fields.push((key, value));
        }
        Ok(UploadDetails { fields })
    }
}

enum FieldValue {
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for FieldValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(s) => FieldValue::Text(s),
            serde_json::Value::Number(n) => FieldValue::Number(n),
            serde_json::Value::Bool(b) => FieldValue::Bool(b),
            serde_json::Value::Null => FieldValue::Other("null"),
            serde_json::Value::Array(_) => FieldValue::Other("an array"),
            serde_json::Value::Object(_) => FieldValue::Other("an object"),
        })
    }
}

impl JsonSchema for UploadDetails {
    fn schema_name() -> String {
        "UploadDetails".to_owned()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, Metadata, ObjectValidation, Schema, SchemaObject};
        let string = Schema::Object(SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            ..Default::default()
        });
        Schema::Object(SchemaObject {
            metadata: Some(Box::new(Metadata {
                description: Some(
                    "The presigned POST form for S3: every entry is a form field, sent in order \
                     before the file; unknown keys are kept."
                        .to_owned(),
                ),
                ..Default::default()
            })),
            instance_type: Some(InstanceType::Object.into()),
            object: Some(Box::new(ObjectValidation {
                properties: Self::DOCUMENTED_KEYS
                    .iter()
                    .map(|k| ((*k).to_owned(), string.clone()))
                    .collect(),
                additional_properties: Some(Box::new(string)),
                ..Default::default()
            })),
            ..Default::default()
        })
    }
}
