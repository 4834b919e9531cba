//! Create Asset Metadata calls through this crate, for benches/compare.sh.
//! Usage: cargo bench --bench create_calls -- BASE_URL TOKEN SITE COUNT CONCURRENCY
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
    let [base_url, token, site, count, concurrency] = args.as_slice() else {
        eprintln!("usage: create_calls BASE_URL TOKEN SITE COUNT CONCURRENCY");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("COUNT is a number");
    let concurrency: usize = concurrency.parse().expect("CONCURRENCY is a number");
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
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"calls": count, "failures": failures, "seconds": seconds, "rate": count as f64 / seconds})
    );
}
