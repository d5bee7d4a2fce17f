//! Joins the app to the terminal and to the run: read an event, turn it into an action,
//! carry out the effect against the journal, draw.

use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::Result;
use ratatui::crossterm::event::{
    self, Event, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};

use super::action::{Action, Effect};
use super::app::{App, Hits};
use super::draw::{draw, fits};
use super::keymap::action_for;
use super::notice::Notice;
use super::terminal::{TerminalGuard, stop_signals};
use super::theme::Theme;
use crate::checklist::Cell;
use crate::output::one_line;
use crate::run::RunSession;
use crate::signoff::statement::Decision;

/// Whether the loop goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
    /// Leave the walk to sign the run off (signing may need the terminal for a passphrase).
    Signoff {
        decision: Decision,
        comment: Option<String>,
    },
}

/// What the walk needs besides the run.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// The config's `capture` command; `{file}` stands for the file it writes.
    pub capture: Option<String>,
    /// Where that command would be set, for the hint when it is not.
    pub config_file: std::path::PathBuf,
    /// Where to start instead of the first untested cell.
    pub start: Option<Cell>,
    /// Whether `x` may start browsers (`--no-launch`, `launch: false` turn it off), and the
    /// commands allowed so far.
    pub launch: crate::tui::app::LaunchPolicy,
    /// Where allowances are remembered; `None` keeps them for this walk only.
    pub launch_trust: Option<std::path::PathBuf>,
}

/// How the walk ended, and what typed text it could not save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    pub flow: Flow,
    /// `item in environment: text` for each note typed and never saved.
    pub unsaved_drafts: Vec<String>,
}

/// Runs the walk over `session` until the user quits (`Flow::Quit`), a signal arrives, or
/// the user asks to sign off (`Flow::Signoff`).
pub fn walk(session: &mut RunSession, tester: &str, options: &WalkOptions) -> Result<Ending> {
    let mut app = match options.start {
        Some(cell) => App::starting_at(session.run(), cell),
        None => App::new(session.run()),
    };
    app.launch_policy = options.launch.clone();
    let flow = walk_app(session, &mut app, tester, options)?;
    let checklist = session.run().checklist();
    let unsaved_drafts = app
        .drafts()
        .map(|(cell, text)| {
            format!(
                "{} in {}: {text}",
                checklist.items[cell.item].id,
                checklist.environment_label(cell.environment)
            )
        })
        .collect();
    Ok(Ending {
        flow,
        unsaved_drafts,
    })
}

fn walk_app(
    session: &mut RunSession,
    app: &mut App,
    tester: &str,
    options: &WalkOptions,
) -> Result<Flow> {
    let theme = Theme::from_env();
    let stop = stop_signals()?;
    let mut guard = TerminalGuard::enter()?;
    let events = spawn_event_reader();
    loop {
        let mut hits = Hits::default();
        let mut fitted = true;
        guard.terminal.draw(|frame| {
            fitted = fits(frame.area());
            hits = draw(frame, app, session.run(), theme);
        })?;
        app.hits = hits;
        app.screen_too_small = !fitted;
        let event = match events.recv_timeout(Duration::from_millis(250)) {
            Ok(event) => Some(event),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return Ok(Flow::Quit),
        };
        // Everything is on disk already: a signal or a vanished terminal just ends the walk.
        if stop.load(Ordering::Relaxed) || !terminal_is_there() {
            return Ok(Flow::Quit);
        }
        let Some(event) = event else { continue };
        let effect = match event {
            Event::Paste(text) => app.paste(session.run(), &text),
            event => {
                let action = match event {
                    Event::Key(key) if key.kind == KeyEventKind::Press => {
                        app.key_pressed(key);
                        action_for(app.mode(), key)
                    }
                    Event::Mouse(mouse) => mouse_action(mouse),
                    _ => None,
                };
                let Some(action) = action else { continue };
                app.handle(session.run(), action)
            }
        };
        if let Some(effect) = effect {
            let flow = carry_out(effect, session, app, tester, options);
            if flow != Flow::Continue {
                return Ok(flow);
            }
        }
    }
}

/// Reads terminal events on a thread of their own, so that the walk keeps control (signals,
/// a closed window) even when reading blocks, or spins on a terminal that has gone away.
/// The channel closes when reading fails.
fn spawn_event_reader() -> Receiver<Event> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        while let Ok(event) = event::read() {
            if sender.send(event).is_err() {
                return;
            }
        }
    });
    receiver
}

/// Whether this process still has its terminal: once the window is closed, opening
/// `/dev/tty` fails.
fn terminal_is_there() -> bool {
    std::fs::File::open("/dev/tty").is_ok()
}

fn mouse_action(mouse: MouseEvent) -> Option<Action> {
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
            column: mouse.column,
            row: mouse.row,
        }),
        MouseEventKind::ScrollDown => Some(Action::ScrollDown),
        MouseEventKind::ScrollUp => Some(Action::ScrollUp),
        _ => None,
    }
}

/// Carries out an effect and tells the app how it went. The journal is written (and flushed)
/// before the app hears of it, so the screen never shows a result that is not on disk.
pub fn carry_out(
    effect: Effect,
    session: &mut RunSession,
    app: &mut App,
    tester: &str,
    options: &WalkOptions,
) -> Flow {
    match effect {
        Effect::Quit => return Flow::Quit,
        Effect::Signoff { decision, comment } => return Flow::Signoff { decision, comment },
        Effect::Record(new) => match session.record(&new, tester) {
            Ok(entry) => app.recorded(session.run(), &entry),
            Err(err) => app.failed(&err),
        },
        Effect::Undo => match session.undo(tester) {
            Ok(undone) => app.undone(session.run(), &undone),
            Err(err) => app.notice = Some(Notice::UndoFailed(one_line(err.as_ref()))),
        },
        Effect::Launch(argv) => {
            app.notice = Some(match launch(&argv) {
                Ok(()) => Notice::Launched(argv),
                Err(err) => Notice::LaunchFailed {
                    program: argv.first().cloned().unwrap_or_default(),
                    error: one_line(&err),
                },
            });
        }
        Effect::AllowLaunch { key, argv } => {
            let remembered = match &options.launch_trust {
                Some(file) => crate::launch_trust::LaunchTrust::load(file)
                    .and_then(|mut trust| trust.allow(&key)),
                None => Ok(()),
            };
            match remembered {
                Ok(()) => {
                    app.launch_allowed(key);
                    return carry_out(Effect::Launch(argv), session, app, tester, options);
                }
                Err(err) => {
                    app.notice = Some(Notice::LaunchFailed {
                        program: argv.first().cloned().unwrap_or_default(),
                        error: format!(
                            "the allowance could not be saved: {}",
                            one_line(err.as_ref())
                        ),
                    })
                }
            }
        }
        Effect::Capture(cell) => {
            let Some(template) = &options.capture else {
                app.notice = Some(Notice::NoCaptureCommand {
                    config_file: options.config_file.display().to_string(),
                });
                return Flow::Continue;
            };
            let run = session.run();
            let checklist = run.checklist();
            let stem = format!(
                "{}-{}",
                checklist.items[cell.item].id,
                checklist.environment_key(cell.environment)
            );
            match crate::capture::capture(template, &run.dir().join("captures"), &stem) {
                Ok(path) => {
                    if let Some(effect) = app.captured(run, cell, path) {
                        return carry_out(effect, session, app, tester, options);
                    }
                }
                Err(err) => app.notice = Some(Notice::CaptureFailed(one_line(&err))),
            }
        }
    }
    Flow::Continue
}

/// Starts a browser detached from the walk: its own process group, no shared input or output.
fn launch(argv: &[String]) -> std::io::Result<()> {
    use std::os::unix::process::CommandExt;
    let Some((program, arguments)) = argv.split_first() else {
        return Err(std::io::Error::other("the launch command is empty"));
    };
    let mut child = Command::new(program)
        .args(arguments)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()?;
    // Reap it whenever it ends, so no zombie stays behind while the walk goes on.
    std::thread::spawn(move || child.wait());
    Ok(())
}
