//! Progress bars: one per file in flight and one overall, hidden when stdout
//! is not a terminal or output is for scripts.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

pub(crate) struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
    visible: bool,
    files: usize,
    done: std::sync::atomic::AtomicUsize,
}

impl Bars {
    pub fn new(total_bytes: u64, files: usize, quiet: bool) -> Self {
        let visible = !quiet && std::io::stdout().is_terminal();
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let overall = multi.add(ProgressBar::new(total_bytes));
        overall.set_style(
            ProgressStyle::with_template("{prefix:>10} [{bar:30.green/white}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        overall.set_prefix("total");
        overall.set_message(format!("0/{files} files"));
        if visible {
            overall.enable_steady_tick(Duration::from_millis(200));
        }
        Self {
            multi,
            overall,
            visible,
            files,
            done: Default::default(),
        }
    }

    /// A bar for one file.
    pub fn file(&self, name: &str, len: u64) -> ProgressBar {
        let bar = self
            .multi
            .insert_before(&self.overall, ProgressBar::new(len));
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>10} [{bar:30.cyan/blue}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        let mut short: String = name.chars().take(10).collect();
        if name.chars().count() > 10 {
            short.pop();
            short.push('…');
        }
        bar.set_prefix(short);
        bar
    }

    /// Counts a finished file (uploaded, skipped or failed) on the overall bar.
    pub fn file_done(&self) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        self.overall
            .set_message(format!("{done}/{} files", self.files));
    }

    pub fn overall(&self) -> &ProgressBar {
        &self.overall
    }

    /// Prints a line above the bars (or plainly when they are hidden).
    pub fn println(&self, line: &str) {
        if self.visible {
            let _ = self.multi.println(line);
        } else {
            println!("{line}");
        }
    }

    /// Prints an error line above the bars (or on stderr when they are hidden).
    pub fn eprintln(&self, line: &str) {
        if self.visible {
            let _ = self.multi.println(line);
        } else {
            eprintln!("{line}");
        }
    }

    pub fn finish(&self) {
        self.overall.finish_and_clear();
        let _ = self.multi.clear();
    }
}
