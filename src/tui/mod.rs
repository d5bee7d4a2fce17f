//! The interactive walk: a keyboard-first terminal interface over one run.
//!
//! `app` holds the state and its transitions, `keymap` the keys, `draw` the screens; `event_loop`
//! joins them to a real terminal (`terminal`) and to the run's journal.

pub mod action;
pub mod app;
pub mod draw;
pub mod event_loop;
pub mod keymap;
pub mod notice;
pub mod strings;
pub mod terminal;
pub mod text;
pub mod theme;
