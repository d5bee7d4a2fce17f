//! `greenlight signoff [RUN] --approve|--reject [--comment TEXT] [--key PATH] [-o DIR]`

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::cli::SignoffArgs;
use crate::config::{Config, Tester};
use crate::export::{Safety, write_long_csv};
use crate::fsutil::{
    open_regular_file, sha256_hex, sha256_of_regular_file, write_atomically, write_atomically_with,
};
use crate::run::{Run, now_rfc3339};
use crate::signoff::comment;
use crate::signoff::signing::{find_key_path, load_key};
use crate::signoff::statement::{Decision, FileDigest, Statement, StatementInputs};

use super::{Outcome, Workspace, warn_to_stderr};

/// What to sign: everything `signoff` takes, from its flags or from the walk.
pub struct Request {
    pub run: String,
    pub decision: Decision,
    pub comment: Option<String>,
    pub key: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub commit: Option<String>,
}

/// `greenlight signoff`: the flags turned into a [`Request`].
pub fn run(workspace: &Workspace, args: &SignoffArgs) -> Result<Outcome> {
    sign(
        workspace,
        Request {
            run: workspace.store.resolve(args.run.as_deref())?,
            decision: if args.approve {
                Decision::Approved
            } else {
                Decision::Rejected
            },
            comment: args.comment.clone(),
            key: args.key.clone(),
            output: args.output.clone(),
            commit: args.commit.clone(),
        },
    )
}

/// Writes the signed sign-off folder for a run.
pub fn sign(workspace: &Workspace, request: Request) -> Result<Outcome> {
    let id = request.run;
    let run = Run::open(&workspace.store, &id, &mut warn_to_stderr)?;
    let decision = request.decision;
    let comment = request
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    if decision == Decision::Rejected && comment.is_none() {
        bail!("a rejection needs --comment \"…\" saying why");
    }
    let verdict = run.verdict();
    if decision == Decision::Approved && !verdict.passes() {
        return Ok(Outcome::NotGood(format!(
            "run {id} cannot be approved: {verdict}; record the missing results, or --reject with a comment"
        )));
    }
    let commit = match (&run.meta().commit, &request.commit) {
        (Some(recorded), Some(given)) if recorded != given => {
            bail!("the run was started at commit {recorded}; --commit {given} does not match it")
        }
        (Some(commit), _) | (None, Some(commit)) => commit.clone(),
        (None, None) => bail!(
            "run {id} does not know its commit (it was started outside a git repository); pass --commit SHA"
        ),
    };
    let tester = Tester::parse(&run.meta().tester).context("the run's tester")?;
    let config = Config::load(&workspace.paths.config_file)?;
    let key_path = find_key_path(request.key.as_deref(), &config)?;
    let key = load_key(&key_path)?;

    let mut results_csv = Vec::new();
    write_long_csv(&run, Safety::Spreadsheet, &mut results_csv)?;
    let mut statement = Statement::new(StatementInputs {
        run: &run,
        commit: &commit,
        decision,
        comment,
        tester_name: tester.name.clone(),
        tester_email: tester.email.clone(),
        key_fingerprint: key.fingerprint(),
        signed_at: now_rfc3339(),
        results_csv_sha256: sha256_hex(&results_csv),
    });
    let dir = request
        .output
        .unwrap_or_else(|| PathBuf::from(format!("signoff-{id}")));
    let evidence = evidence_to_copy(&run, &statement, &dir)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    copy_evidence(&evidence)?;
    // The report embeds the copied screenshots; the statement signs the report's bytes, so
    // a page put in its place is caught (its own fields are all set by now).
    let mut report = Vec::new();
    crate::export::html::write_report(&run, Some(&statement), &dir, &mut report)?;
    statement.predicate.report_html = Some(FileDigest {
        sha256: sha256_hex(&report),
    });
    let statement_bytes = statement.to_bytes()?;
    let signature = key.sign(&statement_bytes)?;
    let (markdown, carried) = comment::render(&statement, &statement_bytes, &signature)?;
    write_atomically(&dir.join("results.csv"), &results_csv)?;
    write_atomically(&dir.join("report.html"), &report)?;
    write_atomically(&dir.join("signoff.json"), &statement_bytes)?;
    write_atomically(&dir.join("signoff.json.sig"), signature.as_bytes())?;
    write_atomically(&dir.join("signoff.md"), markdown.as_bytes())?;
    crate::output::say(format!(
        "{} release {} at commit {} by {}, signed with {}",
        decision.as_str(),
        run.meta().release,
        commit,
        tester,
        key.fingerprint()
    ));
    crate::output::say(format!(
        "wrote {}/{{signoff.json, signoff.json.sig, results.csv, signoff.md, report.html}}{}",
        dir.display(),
        match evidence.len() {
            0 => String::new(),
            1 => " and 1 evidence file".to_string(),
            n => format!(" and {n} evidence files"),
        }
    ));
    crate::output::say(format!(
        "post it on the pull request: gh pr comment NUMBER --body-file {}/signoff.md",
        dir.display()
    ));
    if matches!(carried, comment::Carried::ByHash(_)) {
        crate::output::say(format!(
            "the statement is too large for a comment, which carries its sha256: commit this \
             folder as {}/{id}/ in the pull request, where verify and gate find it",
            comment::SIGNOFFS_FOLDER
        ));
    }
    Ok(Outcome::Done)
}

/// The largest evidence file copied into a sign-off folder (what `verify` hashes, too).
const MAX_EVIDENCE_FILE_BYTES: u64 = 1 << 30;

/// Where each file the statement names is copied from — the run folder, or, for a run made
/// before evidence was copied, where it was attached — and to under `dir/evidence/`, each
/// checked against its hash before anything is written.
fn evidence_to_copy(
    run: &Run,
    statement: &Statement,
    dir: &Path,
) -> Result<Vec<(PathBuf, PathBuf)>> {
    let mut copies = Vec::new();
    let mut seen = HashSet::new();
    for evidence in statement
        .predicate
        .cells
        .iter()
        .flat_map(|c| c.evidence.iter())
    {
        let Some(target) = crate::evidence::kept_file(dir, evidence) else {
            bail!(
                "the evidence {} has no sha256 to file it under",
                evidence.path
            );
        };
        if !seen.insert(target.clone()) {
            continue;
        }
        // A run made before evidence was copied names the file where it was attached.
        let attached = Some(PathBuf::from(&evidence.path)).filter(|p| p.is_absolute());
        let source = crate::evidence::kept_file(run.dir(), evidence)
            .filter(|kept| kept.is_file() || attached.is_none())
            .or(attached)
            .unwrap_or_else(|| run.dir().join(&evidence.path));
        let sha256 =
            sha256_of_regular_file(&source, MAX_EVIDENCE_FILE_BYTES).with_context(|| {
                format!(
                    "the evidence {} of run {} is missing from {}; record that cell again with \
                 the file (`e` in the walk, or record --evidence FILE), or without it",
                    evidence.name.as_deref().unwrap_or(&evidence.path),
                    run.meta().id,
                    source.display()
                )
            })?;
        if sha256 != evidence.sha256 {
            bail!(
                "{} no longer has the sha256 it was attached with; record that cell again \
                 with the file as it should be",
                source.display()
            );
        }
        copies.push((source, target));
    }
    Ok(copies)
}

/// Copies the evidence files found by [`evidence_to_copy`] into place.
fn copy_evidence(copies: &[(PathBuf, PathBuf)]) -> Result<()> {
    for (source, target) in copies {
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        write_atomically_with(target, |out| {
            let mut file = open_regular_file(source)?;
            std::io::copy(&mut file, out)?;
            Ok(())
        })
        .with_context(|| format!("cannot copy {}", source.display()))?;
    }
    Ok(())
}
