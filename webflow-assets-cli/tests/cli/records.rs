//! What a script reads of an interrupted run (issue 37): a record for each
//! file, the ones not started among them.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::upload::{against, data_dir, json_lines, manifest_lines, slow_sandbox};

/// Ctrl-C: the files in flight finish, and every file not started has a
/// record saying so, for a script to pick up; exit 130.
#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_batch_gives_a_record_for_each_file_not_started() {
    let sandbox = slow_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    data_dir(dir.path(), 10);
    let manifest = dir.path().join("m.jsonl");
    let args = [
        "upload",
        "data",
        "--concurrency",
        "1",
        "--json",
        "--manifest",
        "m.jsonl",
    ];
    let child = against(&sandbox, dir.path(), &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while manifest_lines(&manifest).len() < 2 {
        assert!(started.elapsed() < Duration::from_secs(30), "no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
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
