//! Webflow's own examples through the client: a mock serves the response
//! example of every GET of the vendored upstream spec (the extract of
//! webflow/openapi-spec), and the whole usage scan runs over them. Every
//! example must decode, and the pages and components whose example content
//! holds asset 659595234426a9fcbad57043 must be named. The sandbox holds our
//! assumptions; these are Webflow's shapes (UUID component ids, a 23-digit
//! one, node types the scan does not know).

use serde_json::Value;
use webflow_assets::UsageIndex;
use webflow_assets::usage::{Place, UseKind};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common;

const SITE: &str = "580e63e98c9a982ac9b8b741";
const ASSET: &str = "659595234426a9fcbad57043";

fn upstream() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/webflow-openapi-v2-extract.yaml"
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

async fn serve_upstream_examples() -> (MockServer, usize) {
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

#[tokio::test]
async fn the_scan_reads_webflows_own_examples_and_names_their_uses() {
    let (server, served) = serve_upstream_examples().await;
    assert!(
        served >= 10,
        "every GET of the usage reads has an example: {served}"
    );
    let client = common::client(&server);
    let index = client
        .scan_usage(SITE, UsageIndex::new(SITE))
        .await
        .unwrap();
    index.check_complete().unwrap();
    assert!(
        index.summary.pages > 0 && index.summary.components > 0 && index.summary.items > 0,
        "{:?}",
        index.summary
    );
    let uses: Vec<_> = index.uses_of_asset(ASSET).collect();
    assert!(
        uses.iter()
            .any(|u| u.how == UseKind::ImageNode && matches!(u.place, Place::Page { .. })),
        "the page content example's image node: {uses:#?}"
    );
    assert!(
        uses.iter().any(|u| matches!(&u.place, Place::Component { component_id, .. } if !component_id.is_empty())),
        "the component content example, read for Webflow's component ids: {uses:#?}"
    );
    // Each component of the list example was read by its id as given,
    // percent-encoded where it must be, never refused.
    let requests = server.received_requests().await.unwrap();
    let component_reads: Vec<String> = requests
        .iter()
        .filter(|r| r.url.path().ends_with("/dom") && r.url.path().contains("/components/"))
        .map(|r| r.url.path().to_owned())
        .collect();
    assert!(
        component_reads
            .iter()
            .any(|p| p.contains("68a2b1d1ee792848f805dcf")),
        "{component_reads:#?}"
    );
}
