//! `webflow-assets sync` end to end on the sandbox: the site mirrors the
//! tree, nothing goes up twice, unchanged files cost no call, a kill at any
//! moment loses nothing and duplicates nothing.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use common::cli::{cli, output, text};
use futures::TryStreamExt;
use serde_json::Value;
use webflow_assets::{ListOptions, UploadOptions, UploadSource};
use webflow_assets_sandbox::{Faults, Sandbox, SandboxConfig};

fn command(sandbox: &Sandbox, dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = cli(dir);
    cmd.args(args)
        .env("WEBFLOW_TOKEN", sandbox.token())
        .env("WEBFLOW_SITE_ID", sandbox.site_id())
        .env("WEBFLOW_BASE_URL", sandbox.base_url());
    cmd
}

async fn sync(sandbox: &Sandbox, dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["sync", "tree", "--json"];
    args.extend_from_slice(extra);
    let out = output(command(sandbox, dir, &args)).await;
    common::cli::succeeded(&out);
    out
}

fn actions(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The calls that change something on the site.
fn changes(sandbox: &Sandbox) -> [u64; 4] {
    let s = sandbox.stats();
    let o = &s.operations;
    [s.created, o.updated, o.deleted, o.folders_created]
}

/// `root/tree`: nested directories of small files.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for (path, body) in [
        ("top.txt", b"top\n".to_vec()),
        ("img/a.png", b"\x89PNG\r\n\x1a\na".to_vec()),
        ("img/b.png", b"\x89PNG\r\n\x1a\nb".to_vec()),
        ("img/icons/i.png", b"\x89PNG\r\n\x1a\ni".to_vec()),
        ("img/icons/small/s.png", b"\x89PNG\r\n\x1a\ns".to_vec()),
        ("docs/readme.txt", b"read me\n".to_vec()),
    ] {
        let p = root.join("tree").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &body).unwrap();
        files.insert(path.to_owned(), body);
    }
    files
}

/// The site as `dir/name` → hosted bytes, every folder as a directory.
async fn site_tree(sandbox: &Sandbox) -> BTreeMap<String, Vec<u8>> {
    site_tree_with(sandbox, &sandbox.client().unwrap()).await
}

/// [`site_tree`] read with `client`.
async fn site_tree_with(
    sandbox: &Sandbox,
    client: &webflow_assets::Client,
) -> BTreeMap<String, Vec<u8>> {
    let site = sandbox.site_id();
    let folders: Vec<_> = client.list_asset_folders(site).try_collect().await.unwrap();
    let path_of = |mut id: Option<String>| {
        let mut parts = Vec::new();
        while let Some(i) = id {
            let f = folders.iter().find(|f| f.id == i).unwrap();
            parts.push(f.display_name.clone().unwrap());
            id = f.parent_folder.clone();
        }
        parts.reverse();
        parts.join("/")
    };
    let assets: Vec<_> = client
        .list_assets(site, ListOptions::new())
        .try_collect()
        .await
        .unwrap();
    let mut out = BTreeMap::new();
    for a in assets {
        let dir = path_of(a.folder_id.clone());
        let name = a.original_file_name.clone().unwrap();
        let key = if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        };
        let bytes = reqwest::get(a.hosted_url.unwrap())
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec();
        assert!(
            out.insert(key.clone(), bytes).is_none(),
            "{key} twice on the site"
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn mirrors_the_tree_then_changes_only_what_changed() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let files = tree(d);

    // The dry run's plan is what the real run then does, and changes nothing.
    let planned = actions(&sync(&sandbox, d, &["--dry-run"]).await);
    assert_eq!(changes(&sandbox), [0, 0, 0, 0]);
    let done = actions(&sync(&sandbox, d, &[]).await);
    let strip = |v: &[Value]| {
        let mut v: Vec<Value> = v
            .iter()
            .map(|a| {
                let mut a = a.clone();
                a.as_object_mut().unwrap().remove("status");
                a
            })
            .collect();
        v.sort_by_key(|a| a.to_string());
        v
    };
    assert_eq!(strip(&planned), strip(&done));
    assert_eq!(changes(&sandbox), [6, 0, 0, 4], "6 files, 4 folders");
    assert_eq!(
        site_tree(&sandbox).await,
        files,
        "byte for byte, folder for directory"
    );

    // Unchanged: only the listings.
    let listed = sandbox.stats().operations.listed;
    assert!(actions(&sync(&sandbox, d, &[]).await).is_empty());
    assert_eq!(changes(&sandbox), [6, 0, 0, 4], "no changing call");
    assert_eq!(sandbox.stats().operations.listed, listed + 1);

    // One file deleted, with --prune: exactly one DELETE; an asset the
    // sync does not own stays.
    let client = sandbox.client().unwrap();
    client
        .upload(
            sandbox.site_id(),
            UploadSource::Bytes(b"by hand".to_vec().into()),
            UploadOptions::new().file_name("by-hand.txt"),
        )
        .await
        .unwrap();
    std::fs::remove_file(d.join("tree/top.txt")).unwrap();
    let pruned = actions(&sync(&sandbox, d, &["--prune", "--yes"]).await);
    assert_eq!(pruned.len(), 1, "{pruned:?}");
    assert_eq!(pruned[0]["action"], "delete");
    assert_eq!(pruned[0]["path"], "top.txt");
    assert_eq!(
        changes(&sandbox),
        [7, 0, 1, 4],
        "the by-hand upload, one delete"
    );
    let site = site_tree(&sandbox).await;
    assert_eq!(site["by-hand.txt"], b"by hand");
    assert!(!site.contains_key("top.txt"));

    // One file changed: exactly one upload. One alt text: exactly one PATCH.
    std::fs::write(d.join("tree/img/a.png"), b"\x89PNG\r\n\x1a\nA, changed").unwrap();
    std::fs::write(d.join("alt.json"), r#"{"img/b.png": "A bee"}"#).unwrap();
    let done = actions(&sync(&sandbox, d, &["--alt-text-file", "alt.json"]).await);
    assert_eq!(done.len(), 2, "{done:?}");
    assert_eq!(changes(&sandbox), [8, 1, 1, 4]);
    // The replaced asset stays without --prune, and goes with it.
    let pruned = actions(
        &sync(
            &sandbox,
            d,
            &["--prune", "--yes", "--alt-text-file", "alt.json"],
        )
        .await,
    );
    assert_eq!(pruned.len(), 1, "{pruned:?}");
    assert_eq!(pruned[0]["path"], Value::Null, "the replaced asset");
    assert_eq!(changes(&sandbox), [8, 1, 2, 4]);
    let site = site_tree(&sandbox).await;
    assert_eq!(site["img/a.png"], b"\x89PNG\r\n\x1a\nA, changed");

    // An asset deleted on the site since is uploaded again.
    let assets: Vec<_> = client
        .list_assets(sandbox.site_id(), ListOptions::new())
        .try_collect()
        .await
        .unwrap();
    let readme = assets
        .iter()
        .find(|a| a.original_file_name.as_deref() == Some("readme.txt"))
        .unwrap();
    client.delete_asset(&readme.id).await.unwrap();
    let again = actions(&sync(&sandbox, d, &["--alt-text-file", "alt.json"]).await);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["reason"], "deleted on the site since");
    assert_eq!(site_tree(&sandbox).await["docs/readme.txt"], b"read me\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_killed_midway_then_run_again_puts_every_file_there_once() {
    // A slow S3: the kill lands while files are on their way, after their
    // asset entries were created (the case that would leave duplicates).
    let config = SandboxConfig {
        storage_faults: Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut files = BTreeMap::new();
    for i in 0..24 {
        let path = format!("dir{}/f{i:02}.txt", i % 3);
        let p = d.join("tree").join(&path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, format!("file {i}\n")).unwrap();
        files.insert(path, format!("file {i}\n").into_bytes());
    }
    let state = d.join(format!("tree/.webflow-sync-{}.jsonl", sandbox.site_id()));
    let mut child = command(
        &sandbox,
        d,
        &["sync", "tree", "--json", "--concurrency", "2"],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let started = Instant::now();
    loop {
        let uploaded = std::fs::read_to_string(&state)
            .unwrap_or_default()
            .matches("\"op\":\"uploaded\"")
            .count();
        if uploaded >= 6 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no progress");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let created_before = sandbox.stats().created;
    assert!(
        created_before < 24,
        "killed in the middle ({created_before} created)"
    );

    sync(&sandbox, d, &[]).await;
    assert_eq!(
        site_tree(&sandbox).await,
        files,
        "every file once, byte for byte"
    );
    // A second run finds nothing to do.
    assert!(actions(&sync(&sandbox, d, &[]).await).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn adopt_records_what_is_there_and_uploads_what_differs() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let files = tree(d);
    // Uploaded earlier by hand: everything, then one file changed locally.
    sync(&sandbox, d, &[]).await;
    std::fs::remove_file(d.join(format!("tree/.webflow-sync-{}.jsonl", sandbox.site_id())))
        .unwrap();
    std::fs::write(d.join("tree/docs/readme.txt"), b"read me, changed\n").unwrap();
    let before = changes(&sandbox);
    let done = actions(&sync(&sandbox, d, &["--adopt"]).await);
    let adopted = done.iter().filter(|a| a["action"] == "adopt").count();
    let uploaded: Vec<&Value> = done.iter().filter(|a| a["action"] == "upload").collect();
    assert_eq!(adopted, files.len() - 1, "{done:?}");
    assert_eq!(uploaded.len(), 1);
    assert_eq!(uploaded[0]["path"], "docs/readme.txt");
    assert_eq!(
        changes(&sandbox)[0],
        before[0] + 1,
        "one upload, no other create"
    );
    // Recorded: the next run is a no-op.
    assert!(actions(&sync(&sandbox, d, &[]).await).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_state_is_an_error_never_discarded() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    tree(d);
    sync(&sandbox, d, &[]).await;
    let state = d.join(format!("tree/.webflow-sync-{}.jsonl", sandbox.site_id()));
    let journal = std::fs::read_to_string(&state).unwrap();
    std::fs::write(&state, journal.replacen('\n', "\n{garbage\n", 1)).unwrap();
    let before = changes(&sandbox);
    let out = output(command(&sandbox, d, &["sync", "tree"])).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(":2 is corrupt"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(changes(&sandbox), before);
    assert!(
        std::fs::read_to_string(&state)
            .unwrap()
            .contains("{garbage"),
        "kept as it was"
    );
}

/// `root/tree`: `dirs` directories of `per_dir` small files each.
fn wide_tree(root: &Path, dirs: usize, per_dir: usize) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for d in 0..dirs {
        for f in 0..per_dir {
            let path = format!("dir{d}/file{f:02}.txt");
            let body = format!("file {f} of directory {d}\n").into_bytes();
            let p = root.join("tree").join(&path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, &body).unwrap();
            files.insert(path, body);
        }
    }
    files
}

/// A sandbox whose API fails as `faults` says, replayably.
async fn faulty(faults: Faults) -> Sandbox {
    Sandbox::start(SandboxConfig {
        api_faults: faults,
        seed: Some(7),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// One run, exit 0, every file once: the issue's scenario (15 % of calls
/// answered 500, 5 % dropped, seed 7; 160 files in 8 directories). The
/// creates that fail so are settled inside the run.
#[tokio::test(flavor = "multi_thread")]
async fn converges_in_one_run_when_calls_fail_or_drop() {
    let sandbox = faulty(Faults {
        error_rate: 0.15,
        drop_rate: 0.05,
        ..Faults::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let files = wide_tree(dir.path(), 8, 20);
    let out = output(command(&sandbox, dir.path(), &["sync", "tree", "--json"])).await;
    common::cli::succeeded(&out);
    let stats = sandbox.stats();
    assert!(
        stats.injected_errors > 10 && stats.injected_drops > 2,
        "faults were injected: {}",
        stats.to_json()
    );
    let faults_off = sandbox.client_builder().retry(patient()).build().unwrap();
    assert_eq!(site_tree_with(&sandbox, &faults_off).await, files);
    assert_eq!(folder_names(&faults_off, sandbox.site_id()).await.len(), 8);
}

/// Creates that Webflow carried out but whose answer was lost (a 500
/// after the work): the folder is found in the listing instead of made
/// twice, the asset entry without its file is deleted and the file
/// uploaded again. One run, every file and folder once.
#[tokio::test(flavor = "multi_thread")]
async fn creates_whose_answer_was_lost_are_settled_not_repeated() {
    let sandbox = faulty(Faults {
        lost_answer_rate: 0.25,
        ..Faults::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let files = wide_tree(dir.path(), 6, 6);
    let out = output(command(&sandbox, dir.path(), &["sync", "tree", "--json"])).await;
    common::cli::succeeded(&out);
    let stats = sandbox.stats();
    assert!(stats.injected_lost > 5, "{}", stats.to_json());
    let client = sandbox.client_builder().retry(patient()).build().unwrap();
    assert_eq!(site_tree_with(&sandbox, &client).await, files);
    let mut names = folder_names(&client, sandbox.site_id()).await;
    names.sort();
    assert_eq!(names, ["dir0", "dir1", "dir2", "dir3", "dir4", "dir5"]);
    // Every entry made for a lost answer went again: the creates exceed
    // the files by the deletes.
    let o = &stats.operations;
    assert_eq!(stats.created - o.deleted, files.len() as u64);
    assert!(o.deleted > 0, "{}", stats.to_json());
}

/// Retries enough to read the site through the sandbox's faults.
fn patient() -> webflow_assets::RetryPolicy {
    webflow_assets::RetryPolicy::default()
        .max_attempts(30)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

async fn folder_names(client: &webflow_assets::Client, site: &str) -> Vec<String> {
    let folders: Vec<_> = client.list_asset_folders(site).try_collect().await.unwrap();
    folders
        .into_iter()
        .map(|f| f.display_name.unwrap_or_default())
        .collect()
}
