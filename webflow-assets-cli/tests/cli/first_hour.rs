//! Errors that name the real cause (issue 37): a folder that does not
//! exist, a base URL that does not lead to the API, an asset the site does
//! not hold, and a refused token on a batch, said once.

use std::path::Path;

use serde_json::Value;
use webflow_assets_sandbox::{Sandbox, SandboxConfig};

use crate::common::cli::{cli, output, text};
use crate::usage::run_on;

const NO_FOLDER: &str = "0123456789abcdef01234567";

async fn run(sandbox: &Sandbox, base: &str, dir: &Path, args: &[&str]) -> std::process::Output {
    run_on(sandbox.token(), sandbox.site_id(), base, dir, args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_that_does_not_exist_is_named_as_a_folder() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.txt");
    std::fs::write(&file, "hello").unwrap();
    let out = run(
        &sandbox,
        &sandbox.base_url(),
        dir.path(),
        &[
            "upload",
            "--folder",
            NO_FOLDER,
            "--no-manifest",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("the site has no such asset folder"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`webflow-assets folders list` shows the folder ids"),
        "{stderr}"
    );
    assert!(!stderr.contains("no such site"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_base_url_that_is_not_the_api_says_so_and_what_answered() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = sandbox.base_url().trim_end_matches("/v2").to_owned();
    for (what, base, answered) in [
        ("without /v2", root.clone(), "route_not_found"),
        ("the S3 port", sandbox.storage_url(), "with application/xml"),
        (
            "the published site",
            sandbox.published_url(),
            "with text/html",
        ),
    ] {
        let out = run(&sandbox, &base, dir.path(), &["assets", "list"]).await;
        assert_eq!(out.status.code(), Some(1), "{what}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("the base URL does not lead to Webflow's API"),
            "{what}: {stderr}"
        );
        assert!(stderr.contains(answered), "{what}: {stderr}");
        assert!(stderr.contains("--base-url"), "{what}: {stderr}");
        assert!(
            !stderr.contains("check the ids") && !stderr.contains("no such site"),
            "{what}: {stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_of_an_asset_the_site_does_not_hold_is_an_error() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &sandbox,
        &sandbox.base_url(),
        dir.path(),
        &["assets", "usage", NO_FOLDER],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("has no asset {NO_FOLDER}")),
        "{stderr}"
    );
    // (Its row says what the scan found; the error says why.)
}

/// `upload .` of the directory with a token the sandbox refuses.
fn refused_upload(sandbox: &Sandbox, dir: &Path, extra: &[&str]) -> std::process::Command {
    let mut cmd = cli(dir);
    cmd.args(["upload", ".", "--no-manifest", "--concurrency", "4"])
        .args(extra)
        .args([
            "--base-url",
            &sandbox.base_url(),
            "--site",
            sandbox.site_id(),
        ])
        .env("WEBFLOW_TOKEN", "not-the-token");
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_token_stops_the_batch_and_is_said_once() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    for i in 0..30 {
        std::fs::write(dir.path().join(format!("f{i:02}.txt")), format!("file {i}")).unwrap();
    }
    let cmd = refused_upload(&sandbox, dir.path(), &["--json"]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    let records: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 30, "a record for each file");
    let failed = records.iter().filter(|r| r["status"] == "failed").count();
    let not_started = records
        .iter()
        .filter(|r| r["status"] == "not started")
        .count();
    assert_eq!((failed, not_started), (1, 29), "{records:#?}");
    // At most the uploads already in flight reached the API.
    assert!(sandbox.stats().refused <= 4, "{:?}", sandbox.stats());
    // In text: the refusal once, then the summary.
    let cmd = refused_upload(&sandbox, dir.path(), &[]);
    let out = output(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches("error: ").count(), 1, "{stderr}");
    assert!(
        stderr.contains("29 not started (the token was refused"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_folder_of_the_same_name_is_refused_without_duplicate() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base = sandbox.base_url();
    let create = || {
        run(
            &sandbox,
            &base,
            dir.path(),
            &["folders", "create", "Photos"],
        )
    };
    let out = create().await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = create().await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("already there"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(sandbox.stats().operations.folders_created, 1);
    let out = run(
        &sandbox,
        &base,
        dir.path(),
        &["folders", "create", "Photos", "--duplicate"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sandbox.stats().operations.folders_created, 2);
}

/// A file `name` of `content` uploaded with --json, its record.
async fn uploaded(sandbox: &Sandbox, dir: &Path, name: &str, content: &str) -> Value {
    let file = dir.join(name);
    std::fs::write(&file, content).unwrap();
    let args = ["upload", "--json", "--no-manifest", file.to_str().unwrap()];
    let out = run(sandbox, &sandbox.base_url(), dir, &args).await;
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)))
}

/// `upload <a hosted URL>` names the new asset after the file, not after
/// Webflow's `<asset id>_<name>`.
#[tokio::test(flavor = "multi_thread")]
async fn a_hosted_url_uploads_under_the_files_own_name() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base = sandbox.base_url();
    let file = dir.path().join("logo.txt");
    let first = uploaded(&sandbox, dir.path(), "logo.txt", "logo").await;
    let url = first["hostedUrl"].as_str().unwrap().to_owned();
    let out = run(
        &sandbox,
        &base,
        dir.path(),
        &["upload", "--json", "--no-manifest", &url],
    )
    .await;
    let second: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    assert_eq!(second["fileName"], "logo.txt", "{second}");
    // The text output names the asset too.
    let out = run(
        &sandbox,
        &base,
        dir.path(),
        &["upload", "--no-manifest", file.to_str().unwrap()],
    )
    .await;
    let stdout = text(&out.stdout);
    let id = stdout
        .split(" as ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_default();
    assert!(
        id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{stdout}"
    );
}

/// A port in use has an exit code of its own (4), not a usage error's.
#[test]
fn a_port_in_use_has_its_own_exit_code() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path())
        .args(["sandbox", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("in use"),
        "{}",
        text(&out.stderr)
    );
}

/// The same bytes under the same name go to a site once from this
/// machine, from whatever directory the command runs; the skipped file's
/// record says which asset it is.
#[tokio::test(flavor = "multi_thread")]
async fn a_file_uploaded_from_another_directory_is_skipped_with_its_asset() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("cache");
    let (a, b) = (home.path().join("a"), home.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(a.join("logo.txt"), "the logo").unwrap();
    std::fs::write(b.join("logo.txt"), "the logo").unwrap();
    let upload = |cwd: &Path| {
        let mut cmd = cli(cwd);
        cmd.args([
            "upload",
            "logo.txt",
            "--json",
            "--base-url",
            &sandbox.base_url(),
            "--site",
            sandbox.site_id(),
        ])
        .env("WEBFLOW_TOKEN", sandbox.token())
        .env("XDG_CACHE_HOME", &cache);
        cmd
    };
    let first: Value = serde_json::from_slice(&output(upload(&a)).await.stdout).unwrap();
    assert_eq!(first["status"], "uploaded");
    let out = output(upload(&b)).await;
    let second: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    assert_eq!(second["status"], "skipped", "{second}");
    assert_eq!(second["id"], first["id"]);
    assert_eq!(second["hostedUrl"], first["hostedUrl"]);
    assert_eq!(sandbox.stats().created, 1);
    assert!(
        cache
            .join("webflow-assets")
            .join(format!("{}.jsonl", sandbox.site_id()))
            .exists()
    );
    // --no-manifest still uploads.
    let mut cmd = upload(&b);
    cmd.arg("--no-manifest");
    let third: Value = serde_json::from_slice(&output(cmd).await.stdout).unwrap();
    assert_eq!(third["status"], "uploaded");
    assert_eq!(sandbox.stats().created, 2);
}

/// `--fields` works with `--json` too (those keys, exact bytes), and the
/// table's sizes are in human units.
#[tokio::test(flavor = "multi_thread")]
async fn fields_choose_the_json_keys_and_sizes_read_as_sizes() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base = sandbox.base_url();
    let file = dir.path().join("big.txt");
    std::fs::write(&file, vec![b'x'; 3 * 1024 * 1024]).unwrap();
    let out = run(
        &sandbox,
        &base,
        dir.path(),
        &["upload", "--no-manifest", file.to_str().unwrap()],
    )
    .await;
    assert!(
        text(&out.stdout).contains("3.00 MiB"),
        "{}",
        text(&out.stdout)
    );
    let out = run(
        &sandbox,
        &base,
        dir.path(),
        &["assets", "list", "--json", "--fields", "id,size"],
    )
    .await;
    let record: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    let keys: Vec<&String> = record.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "size"], "{record}");
    assert_eq!(record["size"], 3 * 1024 * 1024);
    let out = run(
        &sandbox,
        &base,
        dir.path(),
        &["assets", "list", "--fields", "name,size"],
    )
    .await;
    assert!(
        text(&out.stdout).contains("3.00 MiB"),
        "{}",
        text(&out.stdout)
    );
}

/// On a terminal, `assets delete` asks naming what it deletes; "n" keeps
/// it. A terminal is made with util-linux's `script` (Debian's bsdutils,
/// an essential package).
#[tokio::test(flavor = "multi_thread")]
async fn the_delete_prompt_names_the_asset() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base = sandbox.base_url();
    let id = uploaded(&sandbox, dir.path(), "keep-me.txt", "keep").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let line = format!(
        "{} assets delete {id} --force --base-url {base} --site {}",
        crate::common::cli::BIN,
        sandbox.site_id()
    );
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .current_dir(dir.path())
        .env("WEBFLOW_TOKEN", sandbox.token())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let out = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"n\n").unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let shown = text(&out.stdout);
    assert!(shown.contains("Delete 1 asset(s)?"), "{shown}");
    assert!(
        shown.contains(&id) && shown.contains("keep-me.txt"),
        "{shown}"
    );
    assert!(shown.contains("nothing deleted"), "{shown}");
    assert_eq!(sandbox.stats().operations.deleted, 0);
}
