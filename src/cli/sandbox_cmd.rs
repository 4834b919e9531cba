//! `webflow-assets sandbox`: a local Webflow + S3 until Ctrl-C.

use std::net::SocketAddr;
use std::time::Duration;

use webflow_assets::Limits;
use webflow_assets::sandbox::{Faults, Sandbox, SandboxConfig};

use super::args::SandboxArgs;
use super::{EXIT_OK, Usage};

pub(crate) async fn run(args: SandboxArgs) -> Result<u8, Usage> {
    for (name, rate) in [
        ("--error-rate", args.error_rate),
        ("--drop-rate", args.drop_rate),
        ("--lost-answer-rate", args.lost_answer_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(Usage(format!(
                "{name} {rate} is not a share between 0 and 1"
            )));
        }
    }
    let config = SandboxConfig {
        token: args.token,
        api_addr: SocketAddr::from(([127, 0, 0, 1], args.port)),
        storage_addr: SocketAddr::from(([127, 0, 0, 1], args.storage_port)),
        storage_dir: args.dir,
        rate_limit: args.rate_limit,
        api_faults: Faults {
            error_rate: args.error_rate,
            drop_rate: args.drop_rate,
            lost_answer_rate: args.lost_answer_rate,
            latency: Duration::from_millis(args.latency_ms),
            ..Faults::default()
        },
        storage_faults: Faults {
            latency: Duration::from_millis(args.storage_latency_ms),
            ..Faults::default()
        },
        limits: if args.no_size_limits {
            Limits::unlimited()
        } else {
            Limits::default()
        },
        seed: args.seed,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config)
        .await
        .map_err(|e| Usage(e.to_string()))?;
    println!("Webflow sandbox running (Ctrl-C to stop)");
    println!("  base URL: {}", sandbox.base_url());
    println!("  token:    {}", sandbox.token());
    println!("  site id:  {}", sandbox.site_id());
    println!("  S3:       {}", sandbox.storage_url());
    println!("  storage:  {}", sandbox.storage_root().display());
    println!(
        "try: WEBFLOW_TOKEN={} webflow-assets upload --base-url {} --site {} FILE",
        sandbox.token(),
        sandbox.base_url(),
        sandbox.site_id()
    );
    let _ = tokio::signal::ctrl_c().await;
    let stats = sandbox.stats();
    // On stdout, for scripts (benches/compare.sh counts duplicates with it).
    println!("{}", stats.to_json());
    sandbox.shutdown().await;
    eprintln!("sandbox stopped");
    Ok(EXIT_OK)
}
