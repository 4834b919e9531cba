//! The command-line tool end to end, against a sandbox in this process.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use webflow_assets::sandbox::{Faults, Sandbox, SandboxConfig, Stats};

const BIN: &str = env!("CARGO_BIN_EXE_webflow-assets");

/// `root/data` holding `n` small files of four types.
fn data_dir(root: &Path, n: usize) -> (PathBuf, Vec<PathBuf>) {
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

/// Runs the CLI against the sandbox on a blocking thread.
async fn run(sandbox: &Sandbox, args: &[&str], cwd: &Path) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(cwd)
        .env_remove("WEBFLOW_TOKEN")
        .env_remove("WEBFLOW_SITE_ID")
        .env_remove("WEBFLOW_BASE_URL")
        .args(args)
        .args([
            "--base-url",
            &sandbox.base_url(),
            "--site",
            sandbox.site_id(),
        ])
        .env("WEBFLOW_TOKEN", sandbox.token());
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

async fn run_plain(args: &[&str], cwd: &Path) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(cwd)
        .env_remove("WEBFLOW_TOKEN")
        .env_remove("WEBFLOW_SITE_ID")
        .args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json_lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn manifest_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn single_file_on_the_embedded_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/webflow-assets-sample.png");
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
        !dir.path().join(".webflow-assets.jsonl").exists(),
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
    assert_eq!(Stats::get(&sandbox.stats().created), 12);
    for line in &lines {
        let path = dir.path().join(line["path"].as_str().unwrap());
        let url = line["hostedUrl"].as_str().unwrap();
        let served = reqwest::get(url).await.unwrap().bytes().await.unwrap();
        assert_eq!(served.as_ref(), std::fs::read(&path).unwrap().as_slice());
    }
    assert_eq!(
        manifest_lines(&dir.path().join(".webflow-assets.jsonl")).len(),
        made.len()
    );
    lines.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    insta::assert_json_snapshot!("cli_json_output", lines, {
        "[].id" => "[id]",
        "[].hostedUrl" => "[hostedUrl]",
    });
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
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir.path())
        .args([
            "upload",
            "ok.png",
            "--no-manifest",
            "--base-url",
            &sandbox.base_url(),
            "--site",
            sandbox.site_id(),
        ])
        .env("WEBFLOW_TOKEN", "wrong-token-123");
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
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
    let config = SandboxConfig {
        api_faults: Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    data_dir(dir.path(), 10);
    let manifest = dir.path().join("m.jsonl");

    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .args([
            "upload",
            "data",
            "--concurrency",
            "1",
            "--json",
            "--manifest",
            "m.jsonl",
        ])
        .args([
            "--base-url",
            &sandbox.base_url(),
            "--site",
            sandbox.site_id(),
        ])
        .env("WEBFLOW_TOKEN", sandbox.token())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while manifest_lines(&manifest).len() < 4 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the batch made no progress"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
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
    let config = SandboxConfig {
        rate_limit: Some(4),
        rate_limit_window: Duration::from_secs(1),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    data_dir(dir.path(), 10);
    let out = run(
        &sandbox,
        &[
            "upload",
            "data",
            "--concurrency",
            "6",
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
            .count(),
        10
    );
    assert_eq!(
        Stats::get(&sandbox.stats().created),
        10,
        "every file created exactly once"
    );
    let limited = Stats::get(&sandbox.stats().rate_limited);
    assert!(limited >= 1, "the limit was reached");
    // The shared gate: after a 429 the workers wait together instead of each
    // spending its own 429 on every retry.
    assert!(limited <= 12, "{limited} 429s for 10 files");
}
