//! A closed pipe ends the program quietly (`… | head -1`), as in ripgrep
//! and fd: `println!` panics when stdout's reader has gone, and this
//! turns that one panic into exit 0. Every other panic is reported as
//! before.

use std::io::ErrorKind;

/// Installs the hook; `main` calls it first.
pub(crate) fn end_quietly_on_closed_stdout() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        // std's words for it (library/std/src/io/stdio.rs: "failed printing
        // to stdout: {error}"); EPIPE's text is "Broken pipe (os error 32)"
        // from the OS, "broken pipe" as the kind's own description.
        let broken = ErrorKind::BrokenPipe.to_string().to_ascii_lowercase();
        if text.starts_with("failed printing to stdout")
            && text.to_ascii_lowercase().contains(&broken)
        {
            std::process::exit(0);
        }
        previous(info);
    }));
}
