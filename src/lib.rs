//! greenlight: walk a release's UX checklist across browsers and screen sizes, keep every
//! result safe on disk, export it, and sign it off.
//!
//! The library holds everything; the binary in `main.rs` only parses and dispatches.
//!
//! Layers point one way. `commands` (one module per subcommand) and `tui` (the walk) are the
//! top: they print, ask, and decide exit codes. Everything else is domain — checklists,
//! journals, runs, results, exports, imports, sign-offs — taking plain arguments and
//! returning values and typed errors; no domain module uses `cli`, `commands` or `tui`.

pub mod bugs;
pub mod capture;
pub mod carry;
pub mod checklist;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content_key;
pub mod earlier;
pub mod evidence;
pub mod exit;
pub mod export;
pub mod fsutil;
pub mod git;
pub mod import;
pub mod journal;
pub mod launch_trust;
pub mod output;
pub mod preflight;
pub mod results;
pub mod run;
pub mod signoff;
pub mod status;
pub mod store;
pub mod tui;
pub mod untrusted;
pub mod verdict;
pub mod walk_order;
pub mod words;
