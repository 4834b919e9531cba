//! Progress bars of a scan, on a terminal only: one per kind of read (page
//! contents, component contents, CMS item lists, published documents), and
//! a line with the rate limit and the time it leaves, redrawn from the
//! scan's live counts ([`ScanProgress`]) until the scan ends. Nothing is
//! drawn with `--json` or off a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use webflow_assets::Client;
use webflow_assets::usage::{ProgressSnapshot, ScanProgress};

/// The bars, redrawn by a task of their own.
pub(crate) struct ScanBars {
    task: Option<tokio::task::JoinHandle<()>>,
    multi: MultiProgress,
    stop: tokio::sync::watch::Sender<bool>,
}

impl ScanBars {
    /// Starts drawing `progress` (when `show` and stderr is a terminal).
    pub(crate) fn start(client: &Client, progress: &ScanProgress, show: bool) -> Self {
        let visible = show && std::io::stderr().is_terminal();
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        if !visible {
            return Self {
                task: None,
                multi,
                stop,
            };
        }
        let style =
            ProgressStyle::with_template("{prefix:>18} [{bar:30.cyan/blue}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        let bar = |name: &str| {
            let b = multi.add(ProgressBar::new(0));
            b.set_style(style.clone());
            b.set_prefix(name.to_owned());
            b
        };
        let bars = [
            bar("page contents"),
            bar("component contents"),
            bar("CMS item lists"),
            bar("published documents"),
        ];
        let rate = multi.add(ProgressBar::new_spinner());
        let (client, progress) = (client.clone(), progress.clone());
        let task = tokio::spawn(async move {
            loop {
                let now = progress.snapshot();
                for (bar, (done, total)) in bars.iter().zip(counts(&now)) {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                }
                bars[2].set_message(format!("{} item(s) read", now.items_read));
                rate.set_message(estimate(&client, &now));
                rate.tick();
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                    _ = stopped.changed() => break,
                }
            }
            for bar in bars {
                bar.finish_and_clear();
            }
            rate.finish_and_clear();
        });
        Self {
            task: Some(task),
            multi,
            stop,
        }
    }

    /// Stops drawing and clears the bars.
    pub(crate) async fn finish(self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task {
            let _ = task.await;
        }
        let _ = self.multi.clear();
    }
}

/// (done, total) of each bar.
fn counts(now: &ProgressSnapshot) -> [(usize, usize); 4] {
    [
        (now.pages_read, now.pages_to_read),
        (now.components_read, now.components_to_read),
        (now.item_lists_read, now.item_lists),
        (now.published_read, now.published_queued),
    ]
}

/// The rate limit as Webflow's headers last said it, and how long the API
/// reads still known to be ahead take at it (each list of items may take
/// more than one).
fn estimate(client: &Client, now: &ProgressSnapshot) -> String {
    let ahead = (now.pages_to_read - now.pages_read.min(now.pages_to_read))
        + (now.components_to_read - now.components_read.min(now.components_to_read))
        + (now.item_lists - now.item_lists_read.min(now.item_lists));
    let rate = client.rate_limit();
    match (rate.remaining, rate.limit) {
        (Some(left), Some(limit)) if limit > 0 => {
            let minutes = minutes_of_waiting(ahead as u64, left, limit);
            format!(
                "rate limit: {left}/{limit} calls left this minute; {ahead} API read(s) ahead, about {minutes} min of waiting"
            )
        }
        _ => format!("{ahead} API read(s) ahead (no rate limit seen yet)"),
    }
}

/// The minutes of waiting `ahead` calls take when `left` remain in this
/// minute and `limit` come each minute after it.
fn minutes_of_waiting(ahead: u64, left: u64, limit: u64) -> u64 {
    ahead.saturating_sub(left).div_ceil(limit.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_counts_only_the_calls_beyond_what_is_left() {
        assert_eq!(minutes_of_waiting(10, 60, 60), 0);
        assert_eq!(minutes_of_waiting(61, 60, 60), 1);
        assert_eq!(minutes_of_waiting(200, 20, 60), 3);
        assert_eq!(minutes_of_waiting(5, 0, 0), 5);
    }
}
