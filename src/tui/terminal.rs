//! The real terminal: raw mode, the alternate screen, mouse capture and bracketed paste (so a
//! paste arrives as text, never as keys) on the way in, and all
//! of it undone on the way out — on quit, on error (the guard's `Drop`), on panic (a hook) and
//! on SIGTERM, SIGHUP, SIGINT or SIGQUIT (a flag the event loop checks).

use std::io::stdout;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;

/// Owns the terminal while the walk runs; dropping it restores the terminal.
pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
}

impl TerminalGuard {
    /// Switches the terminal to the walk's mode.
    pub fn enter() -> Result<TerminalGuard> {
        // ratatui's own hook (installed by `try_init`) restores the screen and then calls the
        // hook found before it: this one, which also turns mouse capture off.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste);
            previous(info);
        }));
        let terminal = ratatui::try_init().context("cannot set up the terminal")?;
        let guard = TerminalGuard { terminal };
        execute!(stdout(), EnableMouseCapture, EnableBracketedPaste)
            .context("cannot enable the mouse and bracketed paste")?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste);
        ratatui::restore();
    }
}

/// A flag raised by SIGTERM or SIGHUP, so the loop can leave and restore the terminal.
pub fn stop_signals() -> Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    // In raw mode Ctrl-C is a key, but `kill -INT` or `-QUIT` from elsewhere still comes
    // as a signal: each ends the walk the same way, through the guard that restores the
    // terminal.
    for signal in [SIGTERM, SIGHUP, SIGINT, SIGQUIT] {
        signal_hook::flag::register(signal, Arc::clone(&flag))
            .context("cannot listen for SIGTERM, SIGHUP, SIGINT and SIGQUIT")?;
    }
    Ok(flag)
}
