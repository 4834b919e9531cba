//! A mock of Webflow serving its own examples: the 200 example of every GET
//! of the vendored upstream spec (tests/fixtures/webflow-openapi-v2-extract.yaml),
//! for the library's and the CLI's tests of the usage scan.

use serde_json::Value;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The asset Webflow's page and component content examples show.
pub const EXAMPLE_ASSET: &str = "659595234426a9fcbad57043";

fn upstream() -> Value {
    let text = std::fs::read_to_string(format!(
        "{}/webflow-openapi-v2-extract.yaml",
        super::FIXTURES
    ))
    .unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// The 200 example of an operation, wherever the spec puts it.
fn example_of(op: &Value) -> Option<Value> {
    let media = &op["responses"]["200"]["content"]["application/json"];
    media
        .get("example")
        .or_else(|| media["examples"].as_object()?.values().next()?.get("value"))
        .or_else(|| media["schema"].get("example"))
        .cloned()
}

/// Answers the example for the first page; past it, the example with its
/// lists emptied (an example is one page, and its pagination may claim
/// more: the pager then stops on an empty page instead of reading the same
/// page again).
struct Example(Value);

impl Respond for Example {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let offset = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "offset")
            .and_then(|(_, v)| v.parse::<u64>().ok())
            .unwrap_or(0);
        let mut body = self.0.clone();
        if offset > 0
            && let Some(map) = body.as_object_mut()
        {
            for v in map.values_mut().filter(|v| v.is_array()) {
                *v = Value::Array(vec![]);
            }
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// `/sites/{site_id}/pages` as a regex of the whole path.
fn path_regex(template: &str) -> String {
    let mut out = String::from("^");
    for part in template.split('/').skip(1) {
        out.push('/');
        if part.starts_with('{') {
            out.push_str("[^/]+");
        } else {
            out.push_str(&regex_escape(part));
        }
    }
    out.push('$');
    out
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            '.' | '+' | '*' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' | '\\' => {
                vec!['\\', c]
            }
            c => vec![c],
        })
        .collect()
}

pub async fn serve_upstream_examples() -> (MockServer, usize) {
    let server = MockServer::start().await;
    let spec = upstream();
    let mut served = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        let Some(example) = item.get("get").and_then(example_of) else {
            continue;
        };
        Mock::given(wiremock::matchers::method("GET"))
            .and(wiremock::matchers::path_regex(path_regex(path)))
            .respond_with(Example(example))
            .mount(&server)
            .await;
        served += 1;
    }
    (server, served)
}
