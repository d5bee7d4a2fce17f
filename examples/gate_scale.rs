//! The gate's budget (issue #9): `greenlight gate` on 50 approvals of the shipped checklist
//! (608 cells each, every one passed) finishes in under 1 s.
//!
//! ```text
//! cargo run --release --example gate_scale                   # 11 repetitions, median
//! cargo run --release --example gate_scale -- 25             # 25 repetitions
//! cargo run --release --example gate_scale -- generate DIR   # only write the fixture to DIR,
//!                                                            # and print the gate command line
//! ```
//!
//! It makes a run of `checklists/web-ux.yaml` with every cell passed, then 50 sign-off
//! folders of it signed by 50 testers (one Ed25519 key, allowed for `*@example.com`), and
//! times what `gate` does after reading its arguments: read each folder, verify every
//! signature, signer and results.csv, check every cell against the pinned checklist, merge,
//! and judge. It exits 1 if the median misses the budget.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};

use greenlight::checklist::Checklist;
use greenlight::content_key;
use greenlight::export::{Safety, write_long_csv};
use greenlight::fsutil::sha256_hex;
use greenlight::git::History;
use greenlight::run::{NewResult, RunSession};
use greenlight::signoff::allowed_signers::AllowedSigners;
use greenlight::signoff::comment;
use greenlight::signoff::envelope::{Library, find};
use greenlight::signoff::gate::{Gated, Pinned, judge_gate};
use greenlight::signoff::signing::{KeyFile, read_key};
use greenlight::signoff::statement::{Decision, FileDigest, Statement, StatementInputs};
use greenlight::signoff::verify::Trust;
use greenlight::status::Status;
use greenlight::store::{ChecklistRef, RunMeta, RunStore};

const STATEMENTS: usize = 50;
const BUDGET: Duration = Duration::from_secs(1);

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            eprintln!("gate_scale: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [generate, dir] = args.as_slice()
        && generate == "generate"
    {
        let dir = Path::new(dir);
        std::fs::create_dir_all(dir)?;
        let (folders, _, allowed, fixture) = make_fixture(dir)?;
        let pinned = dir.join("web-ux.yaml");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/web-ux.yaml"),
            &pinned,
        )?;
        let paths: Vec<String> = folders.iter().map(|f| f.display().to_string()).collect();
        println!(
            "cd {} && greenlight gate {} --commit {} --checklist {} --allowed-signers {}",
            fixture.root.display(),
            paths.join(" "),
            fixture.commit,
            pinned.display(),
            allowed.display()
        );
        return Ok(true);
    }
    let repetitions: usize = match args.first() {
        Some(n) => n
            .parse()
            .context("the argument is a number of repetitions")?,
        None => 11,
    };
    let dir = tempfile::tempdir()?;
    let (folders, pinned, allowed, fixture) = make_fixture(dir.path())?;
    let trust = Trust {
        allowed_signers: AllowedSigners::load(&allowed)?,
        repository: None,
        now: chrono::Utc::now(),
    };
    let mut times = Vec::with_capacity(repetitions);
    for _ in 0..repetitions {
        let started = Instant::now();
        let inputs = folders
            .iter()
            .map(|folder| (folder.display().to_string(), find(folder)));
        let library = Library::default();
        let history = History::new(&fixture.root);
        let snapshot = history
            .snapshot(&fixture.commit)
            .map_err(anyhow::Error::msg)?;
        let gated = Gated {
            snapshot: &snapshot,
            history: Some(&history),
        };
        let report = judge_gate(
            inputs,
            &gated,
            std::slice::from_ref(&pinned),
            &trust,
            &library,
            None,
        )
        .map_err(anyhow::Error::msg)?;
        times.push(started.elapsed());
        ensure!(report.open, "the gate should open on 50 passing approvals");
        ensure!(
            report.checklists[0].covered == pinned.checklist.cell_count(),
            "every cell covered"
        );
        ensure!(
            report.checklists[0].approvers.len() == 1,
            "one key is one approver, whatever names it signs as"
        );
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "gate: {STATEMENTS} approvals × {} cells: median {:.0} ms over {repetitions} runs \
         (min {:.0} ms, max {:.0} ms); budget {} ms",
        pinned.checklist.cell_count(),
        median.as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0,
        BUDGET.as_millis()
    );
    Ok(median <= BUDGET)
}

/// The repository the gate runs in: the checklist and the files its items' paths name.
struct Repository {
    root: PathBuf,
    commit: String,
}

/// A repository holding the shipped checklist and a file under each of its items' paths,
/// committed.
fn make_repository(dir: &Path, checklist: &Checklist, bytes: &[u8]) -> Result<Repository> {
    let root = dir.join("repo");
    std::fs::create_dir_all(root.join("checklists"))?;
    std::fs::write(root.join("checklists/web-ux.yaml"), bytes)?;
    for pattern in checklist.items.iter().flat_map(|i| i.paths.iter()) {
        let file = root.join(pattern.replace("**", "index.ts").trim_start_matches('/'));
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&file, pattern)?;
    }
    let git = |args: &[&str]| -> Result<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(&root)
            .args([
                "-c",
                "user.name=Gate Scale",
                "-c",
                "user.email=scale@example.com",
            ])
            .args(args)
            .output()
            .context("git runs")?;
        ensure!(out.status.success(), "git {args:?} failed");
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    git(&["init", "-q"])?;
    git(&["add", "-A"])?;
    git(&["commit", "-qm", "fixture"])?;
    let commit = git(&["rev-parse", "HEAD"])?;
    Ok(Repository { root, commit })
}

/// 50 sign-off folders of one fully passed run, the pinned checklist, the allowed signers,
/// the repository.
fn make_fixture(dir: &Path) -> Result<(Vec<PathBuf>, Pinned, PathBuf, Repository)> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/web-ux.yaml");
    let (checklist, bytes) = Checklist::load_with_bytes(&source)?;
    let repository = make_repository(dir, &checklist, &bytes)?;
    let keys = content_key::at_commit(&repository.root, &repository.commit, &checklist)
        .map_err(anyhow::Error::msg)?;
    let key = dir.join("id_ed25519");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .context("ssh-keygen makes the key")?;
    ensure!(made.success(), "ssh-keygen failed");
    let public = std::fs::read_to_string(key.with_extension("pub"))?;
    let allowed = dir.join("allowed_signers");
    std::fs::write(&allowed, format!("*@example.com {public}"))?;

    let store = RunStore::new(&dir.join("home"));
    let meta = store.create(
        RunMeta {
            id: String::new(),
            release: "2.3.0".into(),
            commit: Some(repository.commit.clone()),
            repository: None,
            tester: "Tester <tester@example.com>".into(),
            checklist: ChecklistRef {
                id: checklist.id.clone(),
                title: checklist.title.clone(),
                version: checklist.version.clone(),
                path: "checklists/web-ux.yaml".into(),
                sha256: sha256_hex(&bytes),
            },
            share: None,
            started_at: "2026-11-29T09:00:00Z".into(),
            tool: "greenlight gate_scale".into(),
        },
        &bytes,
        chrono::Utc::now(),
    )?;
    let mut session = RunSession::open(&store, &meta.id, &mut |_| {})?;
    for cell in checklist.cells() {
        let env = checklist.environments[cell.environment];
        session.record(
            &NewResult::new(
                &checklist.items[cell.item].id,
                &checklist.browsers[env.browser].id,
                &checklist.viewports[env.viewport].id,
                Status::Pass,
            ),
            "Tester <tester@example.com>",
        )?;
    }
    let run = session.run();
    let mut csv = Vec::new();
    write_long_csv(run, Safety::Spreadsheet, &mut csv)?;
    let KeyFile::Ready(signing) = read_key(&key)? else {
        anyhow::bail!("the example's key has no passphrase");
    };
    let mut folders = Vec::new();
    for n in 0..STATEMENTS {
        let folder = dir.join(format!("signoff-{n:02}"));
        std::fs::create_dir_all(&folder)?;
        let mut statement = Statement::new(StatementInputs {
            run,
            commit: &repository.commit,
            decision: Decision::Approved,
            comment: None,
            tester_name: format!("Tester {n}"),
            tester_email: format!("tester{n}@example.com"),
            key_fingerprint: signing.fingerprint(),
            signed_at: "2026-11-29T10:00:00Z".into(),
            results_csv_sha256: sha256_hex(&csv),
            keys: Some(&keys),
        });
        // The report a reviewer opens is signed with the statement, as `signoff` does.
        let mut report = Vec::new();
        greenlight::export::html::write_report(run, Some(&statement), &folder, &mut report)?;
        statement.predicate.report_html = Some(FileDigest {
            sha256: sha256_hex(&report),
        });
        std::fs::write(folder.join("report.html"), &report)?;
        let statement_bytes = statement.to_bytes()?;
        let signature = signing.sign(&statement_bytes)?;
        std::fs::write(folder.join("signoff.json"), &statement_bytes)?;
        std::fs::write(folder.join("signoff.json.sig"), &signature)?;
        std::fs::write(folder.join("results.csv"), &csv)?;
        std::fs::write(
            folder.join("signoff.md"),
            comment::render(&statement, &statement_bytes, &signature)?.0,
        )?;
        folders.push(folder);
    }
    let pinned = Pinned {
        name: "checklists/web-ux.yaml".into(),
        checklist,
        sha256: sha256_hex(&bytes),
    };
    Ok((folders, pinned, allowed, repository))
}
