//! `webflow-assets upload` refusing what it must: every way of bad input in
//! one sweep (each row's exit code and first error line in a snapshot), and
//! a refused upload whose cleanup fails within its budget.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common;
use common::cli::{cli, output, text};
use webflow_assets_sandbox::{Sandbox, SandboxConfig, Stats};

use super::upload::run_env;

/// Bad input through `webflow-assets upload`: every case ends with the exit
/// code and first error line recorded in the snapshot, and none of the
/// cases refused up front reaches the API. Add a row for each new way in.
#[tokio::test(flavor = "multi_thread")]
async fn bad_input_sweep() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;

    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ok.png"), b"png").unwrap();
    std::fs::write(d.join("empty.png"), b"").unwrap();
    std::fs::write(d.join("noext"), b"x").unwrap();
    std::fs::write(d.join("tool.exe"), b"MZ").unwrap();
    std::fs::write(d.join("big.png"), vec![0u8; 4 * 1024 * 1024 + 1]).unwrap();
    let long = format!("{}.png", "n".repeat(96));
    std::fs::write(d.join(&long), b"png").unwrap();
    std::fs::create_dir(d.join("emptydir")).unwrap();
    let latin1 = OsString::from_vec(b"caf\xe9.png".to_vec());
    std::fs::write(d.join(&latin1), b"png").unwrap();
    let fifo = d.join("pipe.png");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success(),
        "mkfifo"
    );

    let api = sandbox.base_url();
    let site = sandbox.site_id().to_owned();
    let closed_port = common::closed_port();
    let closed = format!("http://127.0.0.1:{}/v2", closed_port.port);
    let good_env = [
        ("WEBFLOW_TOKEN", sandbox.token().to_owned()),
        ("WEBFLOW_SITE_ID", site.clone()),
        ("WEBFLOW_BASE_URL", api.clone()),
    ];
    let os = |s: &str| OsString::from(s);
    // (case, arguments after `upload`, environment to drop, reaches the API)
    let cases: Vec<(&str, Vec<OsString>, &[&str], bool)> = vec![
        ("missing file", vec![os("missing.png")], &[], false),
        ("empty directory", vec![os("emptydir")], &[], false),
        ("FIFO", vec![os("pipe.png")], &[], false),
        ("empty file", vec![os("empty.png")], &[], false),
        ("no extension", vec![os("noext")], &[], false),
        ("name of 100 characters", vec![os(&long)], &[], false),
        (
            "content type not accepted",
            vec![os("tool.exe")],
            &[],
            false,
        ),
        ("image over 4 MB", vec![os("big.png")], &[], false),
        ("file name not UTF-8", vec![latin1.clone()], &[], false),
        (
            "--name not a file name",
            vec![os("ok.png"), os("--name"), os("noext")],
            &[],
            false,
        ),
        (
            "--name with two files",
            vec![os("ok.png"), os("empty.png"), os("--name"), os("a.png")],
            &[],
            false,
        ),
        (
            "site id not an id",
            vec![os("ok.png"), os("--site"), os("my-site")],
            &[],
            false,
        ),
        (
            "folder id not an id",
            vec![os("ok.png"), os("--folder"), os("nope")],
            &[],
            false,
        ),
        ("no token", vec![os("ok.png")], &["WEBFLOW_TOKEN"], false),
        ("no site", vec![os("ok.png")], &["WEBFLOW_SITE_ID"], false),
        (
            "plain http off loopback",
            vec![os("ok.png"), os("--base-url"), os("http://example.com/v2")],
            &[],
            false,
        ),
        (
            "base URL not a URL",
            vec![os("ok.png"), os("--base-url"), os("not a url")],
            &[],
            false,
        ),
        (
            "concurrency 0",
            vec![os("ok.png"), os("--concurrency"), os("0")],
            &[],
            false,
        ),
        (
            "glob that does not parse",
            vec![os("emptydir"), os("--include"), os("[")],
            &[],
            false,
        ),
        (
            "--token with --sandbox",
            vec![os("ok.png"), os("--sandbox"), os("--token"), os("t")],
            &[],
            false,
        ),
        (
            "manifest in a missing directory",
            vec![os("ok.png"), os("--manifest"), os("nodir/m.jsonl")],
            &[],
            false,
        ),
        (
            "negative connect wait",
            vec![os("ok.png"), os("--connect-wait=-1")],
            &[],
            false,
        ),
        (
            "wrong token",
            vec![os("ok.png"), os("--token"), os("wrong-token-123")],
            &[],
            true,
        ),
        (
            "closed API port",
            vec![
                os("ok.png"),
                os("--base-url"),
                os(&closed),
                os("--connect-wait"),
                os("0.2"),
            ],
            &[],
            true,
        ),
        (
            "unresolvable API host",
            vec![
                os("ok.png"),
                os("--base-url"),
                os("https://api.webflow.invalid/v2"),
                os("--connect-wait"),
                os("0.2"),
            ],
            &[],
            true,
        ),
    ];
    let api_calls = |s: Stats| s.created + s.refused + s.rate_limited;
    let mut table = Vec::new();
    for (case, args, drop_env, reaches_api) in cases {
        let mut cmd = cli(d);
        cmd.arg("upload").args(&args);
        // `--manifest` and `--no-manifest` conflict; the case that names a
        // manifest wants the former.
        if !args.iter().any(|a| a == "--manifest") {
            cmd.arg("--no-manifest");
        }
        for (k, v) in &good_env {
            if !drop_env.contains(k) {
                cmd.env(k, v);
            }
        }
        let before = api_calls(sandbox.stats());
        let started = Instant::now();
        let out = output(cmd).await;
        assert!(started.elapsed() < Duration::from_secs(20), "{case} hung");
        if !reaches_api {
            assert_eq!(
                api_calls(sandbox.stats()),
                before,
                "{case}: reached the API"
            );
        }
        let stderr = text(&out.stderr);
        let first = stderr
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or_else(|| panic!("{case}: no error line in {stderr}"));
        let mut first = first
            .replace(&d.display().to_string(), "[tmp]")
            .replace(&api, "[api]")
            .replace(&closed, "[closed]")
            .replace(&closed[7..closed.len() - 3], "[closed host]");
        // What the resolver or the kernel says differs between machines.
        if let Some(start) = first.find("(Connect): ") {
            let start = start + "(Connect): ".len();
            let len = first[start..].find("; ").unwrap_or(first.len() - start);
            first.replace_range(start..start + len, "[os detail]");
        }
        assert!(!first.contains("wrong-token-123"), "{case}: token echoed");
        table.push(format!(
            "{case} | exit {} | {first}",
            out.status
                .code()
                .map_or("signal".to_owned(), |c| c.to_string())
        ));
    }
    insta::assert_snapshot!("bad_input_sweep", table.join("\n"));
}

/// S3 refuses the form and Webflow's DELETE of the orphan entry fails every
/// time: the cleanup is best effort on its own short budget (3 attempts
/// within 10 s by default), each retry printed, and the error reports S3's
/// refusal first, then the entry left behind and how to remove it.
#[tokio::test(flavor = "multi_thread")]
async fn refused_upload_whose_cleanup_fails_gives_up_within_the_cleanup_budget() {
    use wiremock::ResponseTemplate;
    let api = common::mock_server().await;
    let mut created = common::fixture_json("create_asset_200.json");
    created["uploadUrl"] = serde_json::json!(format!("{}/bucket", api.uri()));
    let id = created["id"].as_str().unwrap().to_owned();
    let delete_path = format!("/assets/{id}");
    common::mount(
        &api,
        "POST",
        common::ASSETS_PATH,
        common::json_200(created.to_string()),
    )
    .await;
    let refusal = "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>";
    common::mount(
        &api,
        "POST",
        "/bucket",
        ResponseTemplate::new(403).set_body_string(refusal),
    )
    .await;
    common::mount(
        &api,
        "DELETE",
        &delete_path,
        ResponseTemplate::new(500).set_body_string(common::fixture("error_500.json")),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("photo.png"), b"png").unwrap();
    let started = Instant::now();
    let out = run_env(
        &[
            "upload",
            "photo.png",
            "--no-manifest",
            "--base-url",
            &api.uri(),
        ],
        dir.path(),
        &[
            ("WEBFLOW_TOKEN", "t0ken"),
            ("WEBFLOW_SITE_ID", common::SITE),
        ],
    )
    .await;
    let elapsed = started.elapsed();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}: {stderr}");
    assert_eq!(common::requests_to(&api, &delete_path).await, 3, "{stderr}");
    let retries: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("photo.png: retrying Delete Asset in "))
        .collect();
    assert_eq!(retries.len(), 2, "{stderr}");
    assert!(retries[1].contains("(attempt 3 of 3): "), "{stderr}");
    let error = stderr
        .lines()
        .find(|l| l.starts_with("error: photo.png: "))
        .unwrap_or_else(|| panic!("{stderr}"));
    let refused_at = error.find("SignatureDoesNotMatch").expect(error);
    let entry_at = error
        .find(&format!("asset entry {id} could not be deleted"))
        .expect(error);
    assert!(refused_at < entry_at, "S3's refusal first: {error}");
    assert!(
        error.ends_with(&format!("to remove it: webflow-assets assets delete {id}")),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_hosts_give_up_within_the_connect_budget() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("photo.png"), b"png").unwrap();
    let closed_port = common::closed_port();
    let closed = format!("http://127.0.0.1:{}/v2", closed_port.port);
    for (base_url, cause, fix) in [
        // RFC 6761: .invalid never resolves.
        (
            "https://api.webflow.invalid/v2",
            "cannot resolve api.webflow.invalid",
            "the host name does not resolve",
        ),
        (
            closed.as_str(),
            "cannot connect to 127.0.0.1:",
            "no connection could be opened",
        ),
    ] {
        let started = Instant::now();
        let out = run_env(
            &[
                "upload",
                "photo.png",
                "--no-manifest",
                "--base-url",
                base_url,
            ],
            dir.path(),
            &[
                ("WEBFLOW_TOKEN", "t0ken"),
                ("WEBFLOW_SITE_ID", "580e63e98c9a982ac9b8b741"),
            ],
        )
        .await;
        let elapsed = started.elapsed();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{base_url}: {stderr}");
        // The default budget: 3 attempts within 10 s of waiting.
        assert!(elapsed < Duration::from_secs(15), "{base_url}: {elapsed:?}");
        let retries: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("photo.png: retrying Create Asset Metadata in "))
            .collect();
        assert_eq!(retries.len(), 2, "{base_url}: {stderr}");
        assert!(
            retries[0].contains("(attempt 2 of 3): ") && retries[0].contains(cause),
            "{stderr}"
        );
        assert!(retries[1].contains("(attempt 3 of 3): "), "{stderr}");
        let error = stderr
            .lines()
            .find(|l| l.starts_with("error: photo.png: "))
            .unwrap_or_else(|| panic!("{stderr}"));
        let host = base_url.split('/').nth(2).unwrap();
        assert!(
            error.contains(&format!("Create Asset Metadata to {host} failed")),
            "{error}"
        );
        assert!(
            error.contains(fix) && error.contains("--base-url"),
            "{error}"
        );
    }
}
