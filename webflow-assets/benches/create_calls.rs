//! Create Asset Metadata calls through this crate, for benches/compare.sh.
//! Usage: cargo bench --bench create_calls -- BASE_URL TOKEN SITE COUNT CONCURRENCY [crate|bare]
//!
//! `crate` (the default) calls `Client::create_asset_metadata`; `bare` is
//! the same call as a bare reqwest loop: the same reqwest, runtime and
//! responder, the same headers and body, the answer decoded into the same
//! generated type, and nothing else (no gate, retries, spans or hooks). The
//! ratio of the two is the crate's per-call overhead.
//!
//! A plain program rather than a divan bench: the figure it feeds is a call
//! rate next to the Node SDK's and a load tool's, measured the same way.

use std::time::Instant;

use futures::StreamExt;
use webflow_assets::types::CreateAssetRequest;
use webflow_assets::{Client, RetryPolicy};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (base_url, token, site, count, concurrency, mode) = match args.as_slice() {
        [b, t, s, n, c] => (b, t, s, n, c, "crate"),
        [b, t, s, n, c, m] if m == "crate" || m == "bare" => (b, t, s, n, c, m.as_str()),
        _ => {
            eprintln!("usage: create_calls BASE_URL TOKEN SITE COUNT CONCURRENCY [crate|bare]");
            std::process::exit(2);
        }
    };
    let count: usize = count.parse().expect("COUNT is a number");
    let concurrency: usize = concurrency.parse().expect("CONCURRENCY is a number");
    if mode == "bare" {
        return bare(base_url, token, site, count, concurrency).await;
    }
    let client = Client::builder()
        .token(token)
        .base_url(base_url)
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds");
    let request = CreateAssetRequest::new("file.png", "3c7d87c9575702bc3b1e991f4d3c638e", None)
        .expect("valid request");

    for _ in 0..20 {
        client
            .create_asset_metadata(site, &request)
            .await
            .expect("warm-up call succeeds");
    }
    let started = Instant::now();
    let failures: usize = futures::stream::iter(0..count)
        .map(|_| async { client.create_asset_metadata(site, &request).await.is_err() as usize })
        .buffer_unordered(concurrency)
        .fold(0, |acc, f| async move { acc + f })
        .await;
    report(count, failures, started);
}

fn report(count: usize, failures: usize, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"calls": count, "failures": failures, "seconds": seconds, "rate": count as f64 / seconds})
    );
}

/// The same calls as a bare reqwest loop.
async fn bare(base_url: &str, token: &str, site: &str, count: usize, concurrency: usize) {
    let http = reqwest::Client::builder()
        .user_agent(webflow_assets::DEFAULT_USER_AGENT)
        .build()
        .expect("reqwest client builds");
    let url = format!("{base_url}/sites/{site}/assets");
    let auth = format!("Bearer {token}");
    let request = CreateAssetRequest::new("file.png", "3c7d87c9575702bc3b1e991f4d3c638e", None)
        .expect("valid request");
    let call = || async {
        let response = http
            .post(&url)
            .header("authorization", &auth)
            .header("accept", "application/json")
            .json(&request)
            .send()
            .await?;
        let ok = response.status().is_success();
        let body = response.bytes().await?;
        Ok::<bool, reqwest::Error>(
            ok && serde_json::from_slice::<webflow_assets::types::AssetUpload>(&body).is_ok(),
        )
    };
    for _ in 0..20 {
        assert!(call().await.expect("warm-up call succeeds"));
    }
    let started = Instant::now();
    let failures: usize = futures::stream::iter(0..count)
        .map(|_| async { (!call().await.unwrap_or(false)) as usize })
        .buffer_unordered(concurrency)
        .fold(0, |acc, f| async move { acc + f })
        .await;
    report(count, failures, started);
}
