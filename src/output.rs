//! Messages for people on standard error: `error:` and `warning:` prefixes, coloured only
//! when standard error is a terminal and `NO_COLOR` is unset (anstream decides).

use anstyle::{AnsiColor, Style};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const HINT: Style = AnsiColor::Cyan.on_default().bold();

/// A message as it may reach a terminal: whatever it quotes from a file, no control
/// character but the line feed (DESIGN.md §6).
fn shown(message: impl std::fmt::Display) -> String {
    crate::untrusted::multi_line(&message.to_string()).into_owned()
}

/// Prints a line of a command's report on standard output, escaped like everything shown.
pub fn say(message: impl std::fmt::Display) {
    anstream::println!("{}", shown(message));
}

/// Prints what a command did on standard error (`wrote …`, `started run …`), escaped.
pub fn note(message: impl std::fmt::Display) {
    anstream::eprintln!("{}", shown(message));
}

/// Prints a warning: something was wrong, and greenlight went on.
pub fn warn(message: impl std::fmt::Display) {
    anstream::eprintln!("{WARNING}warning{WARNING:#}: {}", shown(message));
}

/// Prints an error and its causes, one per line, the way cargo does.
pub fn error(err: &anyhow::Error) {
    anstream::eprintln!("{ERROR}error{ERROR:#}: {}", shown(err));
    for cause in err.chain().skip(1) {
        anstream::eprintln!("  {HINT}caused by{HINT:#}: {}", shown(cause));
    }
}

/// An error and its causes on one line, `outer: inner: innermost`, for a status line.
pub fn one_line(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

/// Prints one problem of a checked file (`file:line:col: message`).
pub fn problem(message: impl std::fmt::Display) {
    anstream::eprintln!("{ERROR}error{ERROR:#}: {}", shown(message));
}
