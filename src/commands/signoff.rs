//! `greenlight signoff [RUN] --approve|--reject [--comment TEXT] [--key PATH] [-o DIR]`

use std::path::Path;

use std::io::IsTerminal;

use anyhow::{Context, Result, bail};
use zeroize::Zeroizing;

use crate::cli::SignoffArgs;
use crate::config::Config;
use crate::run::Run;
use crate::signoff::signing::{
    Key, KeyFile, PASSPHRASE_TRIES, UnlockError, find_key_path, read_key,
};
use crate::signoff::statement::Decision;
use crate::signoff::write::{Refused, decide, default_folder, said, write};

use super::{Outcome, Workspace, warn_to_stderr};

/// `greenlight signoff`: checks the decision, unlocks the key (asking for its passphrase up
/// to three times), writes the folder and says what to do with it.
pub fn run(workspace: &Workspace, args: &SignoffArgs) -> Result<Outcome> {
    let id = workspace.store.resolve(args.run.as_deref())?;
    let run = Run::open(&workspace.store, &id, &mut warn_to_stderr)?;
    let decision = if args.approve {
        Decision::Approved
    } else {
        Decision::Rejected
    };
    sign_with(
        workspace,
        &run,
        decision,
        args.comment.as_deref(),
        Chosen {
            key: args.key.as_deref(),
            output: args.output.as_deref(),
            commit: args.commit.as_deref(),
        },
    )
    .map(|outcome| match outcome {
        Outcome::NotGood(why) => Outcome::NotGood(format!("run {id}: {why}")),
        done => done,
    })
}

/// What the tester chose on the command line; nothing chosen means the configured key, the
/// repository's `.greenlight/signoffs/RUN/` and the run's own commit.
#[derive(Debug, Clone, Copy, Default)]
pub struct Chosen<'a> {
    pub key: Option<&'a Path>,
    pub output: Option<&'a Path>,
    pub commit: Option<&'a str>,
}

/// Signs `run` off as `decision`, warning first of what would make the gate ignore it.
pub fn sign_with(
    workspace: &Workspace,
    run: &Run,
    decision: Decision,
    comment: Option<&str>,
    chosen: Chosen<'_>,
) -> Result<Outcome> {
    let (key, output) = (chosen.key, chosen.output);
    let repository = crate::git::toplevel(None);
    let decided = match decide(run, decision, comment, chosen.commit, repository.as_deref())? {
        Ok(decided) => decided,
        // What the policy says of the run is a verdict; anything else is a flag to fix.
        Err(refused @ Refused::PolicyBlocks(_)) => {
            return Ok(Outcome::NotGood(refused.to_string()));
        }
        Err(Refused::NeedsComment) => bail!("a rejection needs --comment \"…\" saying why"),
        Err(refused) => bail!("{refused}"),
    };
    let config = Config::load(&workspace.paths.config_file)?;
    let key_path = find_key_path(key, &config)?;
    warn_before_signing(run, &key_path, &decided.tester.email, repository.as_deref());
    let key = load_key(&key_path)?;
    let dir = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| default_folder(&run.meta().id, repository.as_deref()));
    let written = write(run, &decided, &key, &dir)?;
    for line in said(&written, run) {
        crate::output::say(line);
    }
    Ok(Outcome::Done)
}

/// What is said before signing, so nobody signs for nothing: the checklist differs from
/// the default branch's copy the gate will judge by, or the key is not one the
/// repository's allowed-signers file lists for the tester.
pub fn warn_before_signing(run: &Run, key: &Path, email: &str, repository: Option<&Path>) {
    for warning in crate::preflight::warnings(run, key, email, repository) {
        crate::output::warn(warning);
    }
}

/// Reads the key at `path`, asking on the terminal for its passphrase when it has one: up
/// to [`PASSPHRASE_TRIES`] times, as ssh does.
fn load_key(path: &Path) -> Result<Key> {
    let locked = match read_key(path)? {
        KeyFile::Ready(key) => return Ok(key),
        KeyFile::Locked(locked) => locked,
    };
    if !std::io::stdin().is_terminal() {
        bail!(
            "{} is protected by a passphrase and there is no terminal to ask for it; \
             add it to ssh-agent and pass --key {}.pub",
            path.display(),
            path.display()
        );
    }
    // Echo stays off between the prompts too: a passphrase typed ahead while a wrong one is
    // being checked must not show on the screen.
    let _quiet = crate::fsutil::TerminalEcho::off();
    for tries_left in (0..PASSPHRASE_TRIES).rev() {
        let passphrase = rpassword::prompt_password(format!("Passphrase for {}: ", path.display()))
            .map(Zeroizing::new)
            .context("cannot read the passphrase")?;
        match locked.unlock(passphrase.as_bytes()) {
            Ok(key) => return Ok(key),
            Err(UnlockError::WrongPassphrase(_)) if tries_left > 0 => {
                crate::output::warn(format!(
                    "wrong passphrase; {}",
                    crate::words::count_of(tries_left, "more try", "more tries")
                ));
            }
            Err(err) => return Err(err.into()),
        }
    }
    bail!("wrong passphrase for {}", path.display())
}
