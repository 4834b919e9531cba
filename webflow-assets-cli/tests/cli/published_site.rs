//! `assets unused`, `assets usage` and `assets delete` on a sandbox site
//! published as Webflow publishes: a 404 page and a password page (with
//! their statuses), a page behind the password, a secondary locale, a page
//! only the sitemap names, a broken link. Each asset used only there is
//! found; only what is used nowhere is listed; a part not read is named
//! with what gets it read, and never answered with `--force`.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::cli::{cli, output, succeeded, text};
use serde_json::{Value, json};
use webflow_assets_sandbox::{Sandbox, SandboxConfig, SiteModel};

const IN_404: &str = "659595234426a9fcbad57050";
const IN_401: &str = "659595234426a9fcbad57051";
const BEHIND_PASSWORD: &str = "659595234426a9fcbad57052";
const FR_OG: &str = "659595234426a9fcbad57053";
const IN_SITEMAP: &str = "659595234426a9fcbad57054";
const UNUSED: &str = "659595234426a9fcbad57055";
const PASSWORD: &str = "open sesame";

fn cdn(asset: &str, name: &str) -> String {
    format!("https://cdn.prod.website-files.com/580e63e98c9a982ac9b8b741/{asset}_{name}")
}

/// Each asset is used only where the published site shows it (an embed,
/// a head tag), never in a node the API reads.
async fn webflow_site() -> Sandbox {
    let img = |asset: &str| format!("<img src=\"{}\">", cdn(asset, "x.png"));
    let assets: Vec<Value> = [IN_404, IN_401, BEHIND_PASSWORD, FR_OG, IN_SITEMAP, UNUSED]
        .iter()
        .map(|id| json!({"id": id, "fileName": "x.png"}))
        .collect();
    let site = json!({
        "assets": assets,
        "locales": [{"id": "653fd9af6a07fc9cfd7a5e56", "cmsLocaleId": "653fd9af6a07fc9cfd7a5e5d", "tag": "fr-FR"}],
        "publish": {"password": PASSWORD},
        "pages": [
            {"id": "6596da6045e56dee495bcbba", "title": "Home", "slug": "index",
             "html": "<a href=\"/old-offer\">an old link</a>"},
            {"id": "6596da6045e56dee495bcbbb", "title": "About", "slug": "about",
             "localizedHead": {"653fd9af6a07fc9cfd7a5e56":
                format!("<meta content=\"{}\" property=\"og:image\">", cdn(FR_OG, "og.jpg"))}},
            {"id": "6596da6045e56dee495bcbbc", "title": "Team", "slug": "team", "password": true,
             "html": img(BEHIND_PASSWORD)},
            {"id": "6596da6045e56dee495bcbbd", "title": "Landing", "slug": "landing", "unlisted": true,
             "html": img(IN_SITEMAP)},
            {"id": "6596da6045e56dee495bcbbe", "title": "Not found", "slug": "404", "html": img(IN_404)},
            {"id": "6596da6045e56dee495bcbbf", "title": "Password", "slug": "401", "html": img(IN_401)}
        ]
    });
    let site = SiteModel::from_json(&site.to_string()).unwrap();
    Sandbox::start(SandboxConfig {
        site,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

async fn run(sandbox: &Sandbox, dir: &Path, password: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = cli(dir);
    cmd.args(args)
        .env("WEBFLOW_TOKEN", sandbox.token())
        .env("WEBFLOW_SITE_ID", sandbox.site_id())
        .env("WEBFLOW_BASE_URL", sandbox.base_url())
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env_remove("WEBFLOW_SITE_PASSWORD");
    if let Some(p) = password {
        cmd.env("WEBFLOW_SITE_PASSWORD", p);
    }
    output(cmd).await
}

#[tokio::test(flavor = "multi_thread")]
async fn unused_lists_only_what_the_site_uses_nowhere() {
    let sandbox = webflow_site().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(&sandbox, dir.path(), Some(PASSWORD), &["assets", "unused"]).await;
    let stdout = text(&succeeded(&out).stdout);
    let listed: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(listed, [UNUSED], "{stdout}");
    let stderr = text(&out.stderr);
    let origin = sandbox.published_url();
    // Each locale's 404 page at its own path (the French list names it);
    // the password page from the body of the 401s.
    assert!(
        stderr.contains(&format!(
            "read the site's utility pages: the 404 page ({origin}/404), the 404 page ({origin}/fr-fr/404), the password page ({origin}/401)"
        )),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("1 link(s) of the published site lead to no page (404; what they show is the 404 page, read): {origin}/old-offer")), "{stderr}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_behind_the_password_is_a_gap_that_names_the_password_not_force() {
    let sandbox = webflow_site().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(&sandbox, dir.path(), None, &["assets", "unused"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).is_empty(), "nothing listed as unused");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "error: {}/team could not be read: is password-protected (401): give the site's password to read it; put the site's password in WEBFLOW_SITE_PASSWORD",
            sandbox.published_url()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("--force"), "{stderr}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_with_a_gap_names_it_and_every_use_found_and_deletes_nothing() {
    let sandbox = webflow_site().await;
    let dir = tempfile::tempdir().unwrap();
    // An origin that refuses connections: the published site is a gap.
    let unreachable = "http://127.0.0.1:1";
    let out = run(
        &sandbox,
        dir.path(),
        Some(PASSWORD),
        &[
            "assets",
            "delete",
            IN_404,
            UNUSED,
            "--yes",
            "--published",
            unreachable,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--published URL") && stderr.contains("--no-published"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{UNUSED}: used nowhere in the parts read")),
        "{stderr}"
    );
    assert!(stderr.contains("error: nothing was deleted"), "{stderr}");
    assert!(!stderr.contains("--force"), "{stderr}");
    assert_eq!(sandbox.stats().operations.deleted, 0);

    // With the site read, the asset the 404 page uses is named with its place.
    let out = run(
        &sandbox,
        dir.path(),
        Some(PASSWORD),
        &["assets", "delete", IN_404, "--yes"],
    )
    .await;
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("{IN_404} is in use")) && stderr.contains("/404"),
        "{stderr}"
    );
    assert_eq!(sandbox.stats().operations.deleted, 0);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_marks_an_incomplete_answer_in_the_table_and_the_json() {
    let sandbox = webflow_site().await;
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "assets",
        "usage",
        UNUSED,
        "--published",
        "http://127.0.0.1:1",
    ];
    let out = run(&sandbox, dir.path(), None, &args).await;
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("{UNUSED}  nowhere in the parts read")),
        "{stdout}"
    );
    // Every path of the site it tried is a gap of its own.
    assert!(
        stdout.contains("INCOMPLETE: perhaps also in the ")
            && stdout.contains(" part(s) the scan could not read (below)"),
        "{stdout}"
    );
    let out = run(
        &sandbox,
        dir.path(),
        None,
        &[&args[..], &["--json"]].concat(),
    )
    .await;
    let line: Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(line["complete"], json!(false));
    assert_eq!(line["gaps"][0]["kind"], json!("published"), "{line}");
    sandbox.shutdown().await;
}

/// Against a site served as Webflow serves it, from fixtures shaped as
/// Webflow writes them (the library's `tests/fixtures/published/`): the
/// tool finds each asset used only on the 404 page, the password page, a
/// page only the sitemap names, a secondary locale's page, a compressed
/// page and style sheets from another host, names the two parts it could
/// not read with what gets each read, and lists nothing as unused.
#[tokio::test(flavor = "multi_thread")]
async fn the_tool_reads_a_site_published_as_webflow_publishes() {
    use common::webflow_site;
    let (mock, other) = (
        wiremock::MockServer::start().await,
        wiremock::MockServer::start().await,
    );
    webflow_site::serve(&mock, &other).await;
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let origin = mock.uri();
    let id = |url: String| url.rsplit('/').next().unwrap()[..24].to_owned();
    let ids: Vec<String> = [
        "659595234426a9fcbad57080",
        "659595234426a9fcbad57081",
        "659595234426a9fcbad57082",
        "659595234426a9fcbad57083",
    ]
    .map(str::to_owned)
    .into_iter()
    .chain([7084, 7085, 7086].map(|n| id(webflow_site::asset(n))))
    .collect();
    let mut args = vec!["assets", "usage", "--json", "--published", origin.as_str()];
    args.extend(ids.iter().map(String::as_str));
    let out = run(&sandbox, dir.path(), None, &args).await;
    // Two parts not read (the password, an unknown encoding): exit 1.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    for line in text(&out.stdout).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["used"], json!(true), "{v}");
        assert_eq!(v["complete"], json!(false), "{v}");
    }
    assert_eq!(text(&out.stdout).lines().count(), ids.len());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{origin}/team could not be read: is password-protected (401)"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("WEBFLOW_SITE_PASSWORD"), "{stderr}");
    assert!(
        stderr.contains("Content-Encoding: x-proprietary") && stderr.contains("--no-published"),
        "{stderr}"
    );
    assert!(!stderr.contains("--force"), "{stderr}");
    sandbox.shutdown().await;
}
