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

use super::action::{Action, Effect, Secret};
use super::app::{App, Hits, PendingSignoff};
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
    /// The run was signed off in the walk: what to say once the terminal is back.
    Signed(Vec<String>),
    /// Leave the walk to sign through `ssh-keygen` (a key in an agent or on hardware, which
    /// may need the terminal for a PIN or a touch): the walk's reader is stopped first.
    SignThroughSshKeygen {
        decision: Decision,
        comment: Option<String>,
    },
}

/// What signing from the walk's summary needs: the key, and where the folder goes.
#[derive(Debug, Clone, Default)]
pub struct SigningSetup {
    /// The key to sign with, or why there is none (what `signoff` would say).
    pub key: Option<Result<std::path::PathBuf, String>>,
    /// The repository, whose `.greenlight/signoffs/` takes the folder.
    pub repository: Option<std::path::PathBuf>,
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
    /// How the summary's `a` and `r` sign.
    pub signing: SigningSetup,
    /// What the summary warns of before anyone signs (a checklist the gate will not pin, a
    /// key the allowed signers do not list).
    pub warnings: Vec<String>,
    /// What the previous run of this checklist found, cell by cell.
    pub earlier: Option<std::sync::Arc<crate::earlier::EarlierResults>>,
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
    app.warnings = options.warnings.clone();
    app.earlier = options.earlier.clone();
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
        .chain(
            app.comment_draft()
                .map(|(decision, text)| format!("the comment to sign ({decision}): {text}")),
        )
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
    // Stopped (and joined) whenever this function returns: once the walk has ended no
    // thread of it reads the terminal, so a passphrase typed next reaches whoever asks.
    let reader = EventReader::start();
    let events = &reader.events;
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
                    Event::Key(key) if key.kind == KeyEventKind::Press => key_action(app, key),
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

/// Reads terminal events on a thread of its own, so that the walk keeps control (signals,
/// a closed window) even when no key comes, or the terminal has gone away. The thread
/// waits for input a little at a time and looks at its stop flag in between; dropping the
/// reader raises the flag and waits for the thread to end, so nothing of the walk reads the
/// terminal after it. (Only a thread stuck on a terminal that has gone away is not waited
/// for long: there is nobody left to type.) The channel closes when reading fails.
struct EventReader {
    events: Receiver<Event>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ended: Receiver<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How long dropping the reader waits for its thread, which looks at its flag every
/// [`READER_POLL`].
const READER_STOP_WAIT: Duration = Duration::from_millis(500);

/// How long the reader waits for input before it looks at its stop flag again.
const READER_POLL: Duration = Duration::from_millis(20);

impl EventReader {
    fn start() -> EventReader {
        let (sender, events) = mpsc::channel();
        let (end, ended) = mpsc::channel();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match event::poll(READER_POLL) {
                    Ok(false) => continue,
                    Ok(true) => {}
                    Err(_) => break,
                }
                let Ok(event) = event::read() else { break };
                if sender.send(event).is_err() {
                    break;
                }
            }
            let _ = end.send(());
        });
        EventReader {
            events,
            stop,
            ended,
            thread: Some(thread),
        }
    }
}

impl Drop for EventReader {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if self.ended.recv_timeout(READER_STOP_WAIT).is_ok()
            && let Some(thread) = self.thread.take()
        {
            let _ = thread.join();
        }
    }
}

/// What a key press means now: the app sees every key first, and one it uses up itself (a
/// refusal holding typed characters) is no action.
pub fn key_action(app: &mut App, key: ratatui::crossterm::event::KeyEvent) -> Option<Action> {
    if app.key_pressed(key) {
        None
    } else {
        action_for(app.mode(), key)
    }
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
        Effect::Sign { decision, comment } => {
            return sign(
                session.run(),
                app,
                PendingSignoff { decision, comment },
                options,
                None,
            );
        }
        Effect::Unlock {
            decision,
            comment,
            passphrase,
        } => {
            let pending = PendingSignoff { decision, comment };
            return sign(session.run(), app, pending, options, Some(passphrase));
        }
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

/// Signs `pending` from the walk: the decision checked, the key read, its passphrase asked
/// in the walk (or tried, when `passphrase` is given), the folder written. Whatever stops it
/// goes back to the summary with the comment kept.
fn sign(
    run: &crate::run::Run,
    app: &mut App,
    pending: PendingSignoff,
    options: &WalkOptions,
    passphrase: Option<Secret>,
) -> Flow {
    use crate::signoff::signing::{KeyFile, PASSPHRASE_TRIES, UnlockError, read_key};
    let refuse = |app: &mut App, pending: PendingSignoff, why: String| {
        app.sign_refused(pending, Notice::SignRefused(one_line_str(&why)));
        Flow::Continue
    };
    let decided = match crate::signoff::write::decide(
        run,
        pending.decision,
        pending.comment.as_deref(),
        None,
        options.signing.repository.as_deref(),
    ) {
        Ok(Ok(decided)) => decided,
        Ok(Err(refused)) => return refuse(app, pending, refused.to_string()),
        Err(err) => return refuse(app, pending, format!("{err:#}")),
    };
    let path = match &options.signing.key {
        Some(Ok(path)) => path.clone(),
        Some(Err(why)) => return refuse(app, pending, why.clone()),
        None => return refuse(app, pending, "no signing key is set up".into()),
    };
    let key = match (read_key(&path), passphrase) {
        (Err(err), _) => return refuse(app, pending, format!("{err:#}")),
        (Ok(KeyFile::Ready(key)), _) => key,
        (Ok(KeyFile::Locked(_)), None) => {
            app.ask_passphrase(pending, path.display().to_string(), PASSPHRASE_TRIES);
            return Flow::Continue;
        }
        (Ok(KeyFile::Locked(locked)), Some(passphrase)) => {
            match locked.unlock(passphrase.expose().as_bytes()) {
                Ok(key) => key,
                Err(UnlockError::WrongPassphrase(_)) => {
                    app.wrong_passphrase();
                    return Flow::Continue;
                }
                Err(UnlockError::Unreadable(err)) => {
                    return refuse(app, pending, format!("{err:#}"));
                }
            }
        }
    };
    if matches!(key, crate::signoff::signing::Key::ThroughSshKeygen { .. }) {
        return Flow::SignThroughSshKeygen {
            decision: pending.decision,
            comment: pending.comment,
        };
    }
    let dir = crate::signoff::write::default_folder(
        &run.meta().id,
        options.signing.repository.as_deref(),
    );
    match crate::signoff::write::write(run, &decided, &key, &dir) {
        Ok(written) => Flow::Signed(crate::signoff::write::said(&written, run)),
        Err(err) => refuse(app, pending, format!("{err:#}")),
    }
}

/// An error's text on one line, for the status line.
fn one_line_str(text: &str) -> String {
    crate::untrusted::one_line(text).into_owned()
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
