//! The command-line tool end to end, against a sandbox in this process.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::records::{batch_in_flight, slow_sandbox};
use common::cli::{cli, output, text};
use serde_json::Value;
use webflow_assets_sandbox::{Sandbox, SandboxConfig};

/// `root/data` holding `n` small files of four types.
pub(crate) fn data_dir(root: &Path, n: usize) -> (PathBuf, Vec<PathBuf>) {
    let data = root.join("data");
    std::fs::create_dir(&data).unwrap();
    let made = files(&data, n);
    (data, made)
}

fn files(dir: &Path, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let ext = ["png", "txt", "csv", "pdf"][i % 4];
            let p = dir.join(format!("file-{i:02}.{ext}"));
            std::fs::write(&p, format!("content of file {i}\n").repeat(i + 1)).unwrap();
            p
        })
        .collect()
}

/// Runs the CLI against the sandbox, with its token, site and base URL.
async fn run(sandbox: &Sandbox, args: &[&str], cwd: &Path) -> Output {
    output(against(sandbox, cwd, args)).await
}

/// `args` aimed at the sandbox (base URL and site as flags after them,
/// token in the environment).
pub(crate) fn against(sandbox: &Sandbox, cwd: &Path, args: &[&str]) -> Command {
    let mut cmd = cli(cwd);
    cmd.args(args)
        .args([
            "--base-url",
            &sandbox.base_url(),
            "--site",
            sandbox.site_id(),
        ])
        .env("WEBFLOW_TOKEN", sandbox.token());
    cmd
}

async fn run_plain(args: &[&str], cwd: &Path) -> Output {
    run_env(args, cwd, &[]).await
}

pub(crate) fn json_lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

pub(crate) fn manifest_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn single_file_on_the_embedded_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/webflow-assets-sample.png");
    let out = run_plain(
        &["upload", "--sandbox", sample.to_str().unwrap()],
        dir.path(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("uploaded") && stdout.contains("verified: the hosted bytes match"),
        "{stdout}"
    );
    assert!(stdout.contains(&webflow_assets::hash_file_blocking(&sample).unwrap().md5));
    assert!(
        !dir.path().join(".cache").exists(),
        "no manifest for a throwaway sandbox"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn directory_with_concurrency_and_json_output() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (data, made) = data_dir(dir.path(), 12);
    std::fs::write(data.join(".hidden.png"), b"skip me").unwrap();
    let out = run(
        &sandbox,
        &["upload", "data", "--concurrency", "4", "--json"],
        dir.path(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut lines = json_lines(&out);
    assert_eq!(lines.len(), 12);
    assert_eq!(sandbox.stats().created, 12);
    for line in &lines {
        let path = dir.path().join(line["path"].as_str().unwrap());
        let url = line["hostedUrl"].as_str().unwrap();
        let served = reqwest::get(url).await.unwrap().bytes().await.unwrap();
        assert_eq!(served.as_ref(), std::fs::read(&path).unwrap().as_slice());
    }
    assert_eq!(
        manifest_lines(
            &dir.path()
                .join(".cache/webflow-assets")
                .join(format!("{}.jsonl", sandbox.site_id()))
        )
        .len(),
        made.len()
    );
    lines.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    for line in &mut lines {
        common::redact(line, &[("/id", "[id]"), ("/hostedUrl", "[hostedUrl]")]);
    }
    insta::assert_json_snapshot!("cli_json_output", lines);
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.png"), b"png").unwrap();
    std::fs::write(dir.path().join("empty.png"), b"").unwrap();
    std::fs::write(dir.path().join("tool.exe"), b"MZ").unwrap();

    // Some failed: 1, each failure on one line naming the file.
    let out = run(
        &sandbox,
        &["upload", "ok.png", "empty.png", "tool.exe", "--no-manifest"],
        dir.path(),
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: empty.png:") && stderr.contains("error: tool.exe:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 3 uploaded") && stderr.contains("2 failed"),
        "{stderr}"
    );

    // Usage errors: 2.
    for args in [
        vec!["upload", "ok.png"],
        vec!["upload", "ok.png", "--site", "my-site", "--token", "t"],
        vec!["upload", "missing.png", "--sandbox"],
        vec!["upload", "--sandbox"],
        vec!["upload", "ok.png", "--sandbox", "--concurrency", "0"],
        vec!["frobnicate"],
    ] {
        let out = run_plain(&args, dir.path()).await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).trim().is_empty());
    }
    // A wrong token: the file fails (1) with Webflow's 401, and the token is not echoed.
    let mut cmd = against(&sandbox, dir.path(), &["upload", "ok.png", "--no-manifest"]);
    cmd.env("WEBFLOW_TOKEN", "wrong-token-123");
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        all.contains("401 Unauthorized") && !all.contains("wrong-token-123"),
        "{all}"
    );

    let out = run_plain(&["hash", "ok.png"], dir.path()).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        format!("{}  ok.png\n", webflow_assets::md5_hex(b"png"))
    );
    let out = run_plain(&["schema"], dir.path()).await;
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        schema["AssetUpload"]["required"]
            .as_array()
            .unwrap()
            .contains(&"uploadUrl".into())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn interrupted_batch_resumes_without_duplicates_or_gaps() {
    // Slow API so the batch is still running when it is killed.
    let sandbox = slow_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.jsonl");
    let mut child = batch_in_flight(&sandbox, dir.path(), Stdio::null(), 4).await;
    child.kill().unwrap(); // as a crash would: no chance to clean up
    let _ = child.wait();
    let first: Vec<String> = manifest_lines(&manifest)
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        first.len() >= 4 && first.len() < 10,
        "killed after {} files",
        first.len()
    );

    let out = run(
        &sandbox,
        &[
            "upload",
            "data",
            "--concurrency",
            "3",
            "--json",
            "--manifest",
            "m.jsonl",
        ],
        dir.path(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines = json_lines(&out);
    let skipped: Vec<&str> = lines
        .iter()
        .filter(|l| l["status"] == "skipped")
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    let uploaded = lines.iter().filter(|l| l["status"] == "uploaded").count();
    assert_eq!(skipped.len(), first.len(), "every recorded file is skipped");
    assert_eq!(skipped.len() + uploaded, 10);

    let records = manifest_lines(&manifest);
    let mut paths: Vec<&str> = records
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    paths.sort();
    let total = paths.len();
    paths.dedup();
    assert_eq!(paths.len(), 10, "nothing missing");
    assert_eq!(total, 10, "nothing recorded twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limit_is_honoured_and_nothing_is_lost() {
    const FILES: u64 = 20;
    const CONCURRENCY: u64 = 8;
    const PER_SECOND: u64 = 4;
    let config = SandboxConfig {
        rate_limit: Some(PER_SECOND as u32),
        rate_limit_window: Duration::from_secs(1),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    data_dir(dir.path(), FILES as usize);
    let out = run(
        &sandbox,
        &[
            "upload",
            "data",
            "--concurrency",
            &CONCURRENCY.to_string(),
            "--json",
            "--no-manifest",
        ],
        dir.path(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        json_lines(&out)
            .iter()
            .filter(|l| l["status"] == "uploaded")
            .count() as u64,
        FILES
    );
    assert_eq!(
        sandbox.stats().created,
        FILES,
        "every file created exactly once"
    );
    let limited = sandbox.stats().rate_limited;
    assert!(limited >= 1, "the limit was reached");
    // What only the shared gate gives: the first burst (before any response
    // told the workers the limit) overflows by at most CONCURRENCY -
    // PER_SECOND; after that no more requests are in flight than Webflow
    // said remain, and a spent limit is probed by one request at a time, so
    // at most one 429 per window. Without the gate every worker spends its
    // own 429s on every retry (measured: 28 for this batch, against 5-7
    // with it).
    let windows = FILES.div_ceil(PER_SECOND) + 1;
    let bound = (CONCURRENCY - PER_SECOND) + windows;
    assert!(
        limited <= bound,
        "{limited} 429s for {FILES} files; the gate allows at most {bound}"
    );
}

/// Runs the CLI with exactly the environment given (the Webflow variables of
/// the test process removed first).
pub(crate) async fn run_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = cli(cwd);
    cmd.args(args).envs(env.iter().copied());
    output(cmd).await
}

/// The README's CLI section says `export WEBFLOW_TOKEN=...`; the README's
/// main job must still run after that.
#[tokio::test(flavor = "multi_thread")]
async fn readme_main_job_runs_with_the_webflow_environment_exported() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/webflow-assets-sample.png");
    let env = [
        ("WEBFLOW_TOKEN", "real-token-from-the-readme"),
        ("WEBFLOW_SITE_ID", "580e63e98c9a982ac9b8b741"),
        ("WEBFLOW_BASE_URL", "https://api.webflow.invalid/v2"),
    ];
    let out = run_env(
        &["upload", "--sandbox", sample.to_str().unwrap()],
        dir.path(),
        &env,
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        text(&out.stdout).contains("verified: the hosted bytes match"),
        "{}",
        text(&out.stdout)
    );
    let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note:")).collect();
    assert_eq!(
        notes,
        [
            "note: --sandbox ignores WEBFLOW_TOKEN, WEBFLOW_SITE_ID, WEBFLOW_BASE_URL from the environment"
        ],
        "{stderr}"
    );
    assert!(!stderr.contains("real-token-from-the-readme"), "{stderr}");

    // An explicit --token with --sandbox is still a usage error.
    let out = run_env(
        &[
            "upload",
            "--sandbox",
            "--token",
            "t",
            sample.to_str().unwrap(),
        ],
        dir.path(),
        &env,
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("'--sandbox' cannot be used with '--token <TOKEN>'"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_manifest_lines_are_named_and_a_torn_last_line_is_not() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    data_dir(dir.path(), 2);
    let manifest = dir.path().join("m.jsonl");
    std::fs::write(
        &manifest,
        "not json at all\n{\"site\":\"x\",\"path\":\"p\",\"md5\":\"m\",\"size\":1,\"id\":\"i\",\"hostedUrl\":null,\"uploadedAt\":\"t\"}\n{\"site\":\"torn",
    )
    .unwrap();
    let out = run(
        &sandbox,
        &["upload", "data", "--manifest", "m.jsonl"],
        dir.path(),
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].starts_with("warning: m.jsonl:1: not a manifest record"),
        "{stderr}"
    );
    // Both files were recorded after the lines that were there.
    assert_eq!(manifest_lines(&manifest).len(), 3);
}
