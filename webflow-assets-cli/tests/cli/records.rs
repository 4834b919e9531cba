//! What a script reads of an interrupted run (issue 37): a record for each
//! file, the ones not started among them.

use std::process::Stdio;

use std::path::Path;
use std::time::{Duration, Instant};

use webflow_assets_sandbox::{Faults, Sandbox, SandboxConfig};

use crate::upload::{against, data_dir, json_lines, manifest_lines};

/// A sandbox whose API answers each call after 150 ms: a batch is still
/// running when a test stops it.
pub(crate) async fn slow_sandbox() -> Sandbox {
    let config = SandboxConfig {
        api_faults: Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        },
        ..SandboxConfig::default()
    };
    Sandbox::start(config).await.unwrap()
}

/// `upload data --json` of 10 files, one at a time, with stdout as given,
/// started in `dir` and waited on until the manifest (`m.jsonl`) records
/// `recorded` of them: a batch caught in the middle.
pub(crate) async fn batch_in_flight(
    sandbox: &Sandbox,
    dir: &Path,
    stdout: Stdio,
    recorded: usize,
) -> std::process::Child {
    data_dir(dir, 10);
    let args = [
        "upload",
        "data",
        "--concurrency",
        "1",
        "--json",
        "--manifest",
        "m.jsonl",
    ];
    let child = against(sandbox, dir, &args)
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while manifest_lines(&dir.join("m.jsonl")).len() < recorded {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the batch made no progress"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child
}

/// Ctrl-C: the files in flight finish, and every file not started has a
/// record saying so, for a script to pick up; exit 130.
#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_batch_gives_a_record_for_each_file_not_started() {
    let sandbox = slow_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let child = batch_in_flight(&sandbox, dir.path(), Stdio::piped(), 2).await;
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(130));
    let records = json_lines(&out);
    assert_eq!(records.len(), 10, "{records:#?}");
    let not_started = records
        .iter()
        .filter(|r| r["status"] == "not started")
        .count();
    let uploaded = records.iter().filter(|r| r["status"] == "uploaded").count();
    assert_eq!(uploaded + not_started, 10, "{records:#?}");
    assert!(not_started > 0 && uploaded >= 2, "{records:#?}");
    assert!(
        records
            .iter()
            .filter(|r| r["status"] == "not started")
            .all(|r| r["reason"] == "interrupted")
    );
}
