//! Fits one image file to a fixed target and writes the result: the
//! library's `fit_image` from a command line, for `benches/fit.sh` and for
//! trying options on a file.
//!
//! ```sh
//! cargo run --release --features fit-avif --example fit -- photo.jpg out.webp --format webp --quality 80 --max-dimension 2560
//! ```
//!
//! `--quality Q` fixes the quality (no search); without it the search runs
//! from 90 down to 50 within `--max-bytes` (default Webflow's 4 MiB). Prints
//! one JSON line: the report and the milliseconds the fit took.

use std::time::Instant;

use webflow_assets::Limits;
use webflow_assets::fit::{FitOptions, OutputFormat, fit_image};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: fit IN OUT [--format jpeg|png|webp|avif] [--quality Q] [--max-dimension PX] [--max-bytes N] [--avif-speed S]";
    let (input, output) = match (args.first(), args.get(1)) {
        (Some(i), Some(o)) => (i.clone(), o.clone()),
        _ => return Err(usage.to_owned()),
    };
    let mut options = FitOptions::new();
    let mut rest = args[2..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or(usage)?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|e| format!("{flag} {value}: {e}"))
        };
        options = match flag.as_str() {
            "--format" => options.format(OutputFormat::parse(value).ok_or(usage)?),
            "--quality" => {
                let q = u8::try_from(number()?).map_err(|e| e.to_string())?;
                options.min_quality(q).max_quality(q)
            }
            "--max-dimension" => {
                options.max_dimension(u32::try_from(number()?).map_err(|e| e.to_string())?)
            }
            "--max-bytes" => options.max_bytes(number()?),
            "--avif-speed" => {
                options.avif_speed(u8::try_from(number()?).map_err(|e| e.to_string())?)
            }
            _ => return Err(usage.to_owned()),
        };
    }
    let bytes = std::fs::read(&input).map_err(|e| format!("{input}: {e}"))?;
    let started = Instant::now();
    let fitted =
        fit_image(&bytes, &input, &options, &Limits::default()).map_err(|e| e.to_string())?;
    let millis = started.elapsed().as_secs_f64() * 1e3;
    std::fs::write(&output, fitted.bytes.as_deref().unwrap_or(&bytes))
        .map_err(|e| format!("{output}: {e}"))?;
    let mut line = serde_json::to_value(&fitted.report).map_err(|e| e.to_string())?;
    line["millis"] = serde_json::json!(millis);
    println!("{line}");
    Ok(())
}
