//! Ctrl-C for the commands that run a batch (`upload`, `sync`): the first
//! stops new work and lets what is in flight finish and be recorded; the
//! second exits at once with 130 (what is recorded stays recorded).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Sets `stop` on the first Ctrl-C, saying `what` finishes; exits on the second.
pub(crate) fn watch(stop: Arc<AtomicBool>, what: &'static str) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop.store(true, Ordering::SeqCst);
            eprintln!("\ninterrupted: finishing {what} (Ctrl-C again to stop now)");
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
}
