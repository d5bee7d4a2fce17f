//! greenlight: walk a release's UX checklist across browsers and screen sizes, keep every
//! result safe on disk, export it, and sign it off.
//!
//! The library holds everything; the binary in `main.rs` only parses and dispatches.

pub mod checklist;
pub mod cli;
pub mod commands;
pub mod config;
pub mod exit;
pub mod export;
pub mod fsutil;
pub mod git;
pub mod import;
pub mod journal;
pub mod output;
pub mod results;
pub mod run;
pub mod signoff;
pub mod status;
pub mod store;
pub mod tui;
pub mod walk_order;
