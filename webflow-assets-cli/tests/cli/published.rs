//! The published site through the CLI, on the sandbox: `sync --prune`
//! keeps an asset only the published site shows in use, and stops on a
//! part of it that cannot be read; the scan's progress bars on a terminal,
//! and nothing extra off one.

use crate::common;

use common::cli::{output, succeeded, text};
use webflow_assets_sandbox::{Faults, SandboxConfig};

use crate::usage::{LIVE_ONLY, UNUSED, USED, other_than_all, run, site_sandbox};

/// An asset used only as a background in the site's style sheet (which
/// no read of the API shows) is kept by `sync --prune`: the published
/// site names it.
#[tokio::test(flavor = "multi_thread")]
async fn prune_keeps_an_asset_used_only_as_a_style_background() {
    let sandbox = site_sandbox(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("tree")).unwrap();
    std::fs::write(d.join("tree/hero.png"), b"\x89PNG\r\n\x1a\nhero").unwrap();
    succeeded(&run(&sandbox, d, &["sync", "tree"]).await);
    let client = sandbox.client().unwrap();
    let hero = other_than_all(&client, &[USED, UNUSED, LIVE_ONLY]).await;
    sandbox.edit_site(|s| {
        s.publish.css = format!(
            ".hero {{ background-image: url(\"https://cdn.prod.website-files.com/{}/{hero}_hero-p-1600.png\") }}",
            sandbox.site_id()
        );
    });
    std::fs::remove_file(d.join("tree/hero.png")).unwrap();
    let out = run(&sandbox, d, &["sync", "tree", "--prune", "--yes"]).await;
    let stderr = text(&succeeded(&out).stderr);
    assert!(
        stderr.contains(&format!("{hero}: still in use"))
            && stderr.contains("/css/sandbox-site.webflow.css"),
        "{stderr}"
    );
    assert_eq!(sandbox.stats().operations.deleted, 0);
    assert!(client.get_asset(&hero).await.is_ok());
}

/// A page of the published site that cannot be read (behind a password)
/// is a gap: `sync --prune` deletes nothing, and says what was not read.
#[tokio::test(flavor = "multi_thread")]
async fn prune_stops_on_a_published_page_it_cannot_read() {
    let sandbox = site_sandbox(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("tree")).unwrap();
    std::fs::write(d.join("tree/gone.png"), b"\x89PNG\r\n\x1a\ngone").unwrap();
    succeeded(&run(&sandbox, d, &["sync", "tree"]).await);
    sandbox.edit_site(|s| s.pages[0].password = true);
    std::fs::remove_file(d.join("tree/gone.png")).unwrap();
    let out = run(&sandbox, d, &["sync", "tree", "--prune", "--yes"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("prune stopped, nothing deleted"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{}/ could not be read: is password-protected (401)",
            sandbox.published_url()
        )),
        "{stderr}"
    );
    assert_eq!(sandbox.stats().operations.deleted, 0);
    // Told not to read it, the prune goes on (and says the site was not read).
    let out = run(
        &sandbox,
        d,
        &["sync", "tree", "--prune", "--yes", "--no-published"],
    )
    .await;
    let stderr = text(&succeeded(&out).stderr);
    assert!(
        stderr.contains("the published site was not read (--no-published)"),
        "{stderr}"
    );
    assert_eq!(sandbox.stats().operations.deleted, 1);
}

/// On a terminal (a pseudo-terminal from util-linux's `script`), the scan
/// draws its bars; off one, and with `--json`, it prints nothing extra.
#[tokio::test(flavor = "multi_thread")]
async fn the_scan_shows_progress_on_a_terminal_only() {
    // Every API call takes 50 ms: the scan lasts long enough to be drawn.
    let api_faults = Faults {
        latency: std::time::Duration::from_millis(50),
        ..Faults::default()
    };
    let sandbox = site_sandbox(SandboxConfig {
        api_faults,
        ..SandboxConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let on_a_terminal = |args: &str| {
        let line = format!("'{}' assets usage {USED} {args}", common::cli::BIN);
        let mut script = std::process::Command::new("script");
        script
            .args(["-qec", &line, "/dev/null"])
            .current_dir(d)
            .env("WEBFLOW_TOKEN", sandbox.token())
            .env("WEBFLOW_SITE_ID", sandbox.site_id())
            .env("WEBFLOW_BASE_URL", sandbox.base_url())
            .env("XDG_CACHE_HOME", d.join("cache"))
            .env("TERM", "xterm")
            .stdin(std::process::Stdio::null());
        script
    };
    let shown = text(&succeeded(&output(on_a_terminal("--no-published")).await).stdout);
    for bar in [
        "page contents",
        "component contents",
        "CMS item lists",
        "API read(s) ahead",
    ] {
        assert!(shown.contains(bar), "{bar}: {shown}");
    }
    let json = text(&succeeded(&output(on_a_terminal("--json --no-published")).await).stdout);
    assert!(!json.contains("page contents"), "{json}");
    let off = run(&sandbox, d, &["assets", "usage", USED, "--no-published"]).await;
    let stderr = text(&succeeded(&off).stderr);
    assert!(!stderr.contains("page contents"), "{stderr}");
}
