//! An open run: its description, its checklist, its journal and what they amount to; and
//! the one way to add to it, [`RunSession`], which holds the run's lock.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::checklist::{Cell, Checklist, Severity};
use crate::fsutil::{sha256_file, sha256_hex};
use crate::journal::{
    Entry, Evidence, JOURNAL_FILE, JournalWriter, ResultEntry, Status, UndoEntry, read_journal,
};
use crate::results::Results;
use crate::store::{CHECKLIST_FILE, RunMeta, RunStore};

/// A run read from disk.
#[derive(Debug)]
pub struct Run {
    pub meta: RunMeta,
    pub checklist: Checklist,
    pub entries: Vec<Entry>,
    pub results: Results,
    pub dir: PathBuf,
}

/// A result the user wants to enter, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewResult {
    pub item: String,
    pub browser: String,
    pub viewport: String,
    pub status: String,
    pub severity: Option<i64>,
    pub note: Option<String>,
    /// New files to attach; each is hashed now.
    pub evidence: Vec<PathBuf>,
    /// Evidence already attached to the cell, kept as it was hashed then (editing a note
    /// must not re-read, or lose, an earlier screenshot).
    pub kept_evidence: Vec<Evidence>,
}

impl Run {
    /// Reads run `id` without locking it; a torn last journal line is ignored with a warning.
    pub fn open(store: &RunStore, id: &str, warn: &mut dyn FnMut(String)) -> Result<Run> {
        let dir = store.dir(id);
        // The checklist before the journal: parsing it needs memory that is free again
        // before the entries take theirs, which keeps the peak down on large runs.
        let (meta, checklist) = Run::read_checklist(store, id)?;
        let contents = read_journal(&dir.join(JOURNAL_FILE))?;
        if contents.torn_tail.is_some() {
            warn(format!(
                "run {id}: the journal's last line is incomplete (a crash while writing?); \
                 it is ignored, and set aside by the next command that records"
            ));
        }
        Ok(Run::assemble(dir, meta, checklist, contents.entries, warn))
    }

    fn assemble(
        dir: PathBuf,
        meta: RunMeta,
        checklist: Checklist,
        entries: Vec<Entry>,
        warn: &mut dyn FnMut(String),
    ) -> Run {
        let results = Results::replay(&checklist, &entries, warn);
        Run {
            meta,
            checklist,
            entries,
            results,
            dir,
        }
    }

    /// The run's description and its own copy of the checklist, checked against its hash.
    fn read_checklist(store: &RunStore, id: &str) -> Result<(RunMeta, Checklist)> {
        let dir = store.dir(id);
        let meta = store.meta(id)?;
        let checklist_path = dir.join(CHECKLIST_FILE);
        let bytes = std::fs::read(&checklist_path)
            .with_context(|| format!("cannot read {}", checklist_path.display()))?;
        if sha256_hex(&bytes) != meta.checklist.sha256 {
            bail!(
                "{} no longer matches the checklist the run started with (its sha256 differs); \
                 the run folder was changed by hand",
                checklist_path.display()
            );
        }
        let text = String::from_utf8(bytes)
            .with_context(|| format!("{} is not UTF-8", checklist_path.display()))?;
        let checklist = Checklist::parse(&text, &checklist_path.display().to_string())?;
        Ok((meta, checklist))
    }

    /// The result that counts for `cell`, if any.
    pub fn latest(&self, cell: Cell) -> Option<&ResultEntry> {
        self.results.latest(&self.entries, cell)
    }

    /// Checks a result against the checklist and turns it into the entry to append.
    pub fn prepare(
        &self,
        new: &NewResult,
        tester: &str,
        at: String,
        seq: u64,
    ) -> Result<ResultEntry> {
        let checklist = &self.checklist;
        let item = checklist.item_by_id(&new.item).with_context(|| {
            unknown(
                "item",
                &new.item,
                checklist.items.iter().map(|i| i.id.as_str()),
            )
        })?;
        let browser = checklist.browser_by_id(&new.browser).with_context(|| {
            unknown(
                "browser",
                &new.browser,
                checklist.browsers.iter().map(|b| b.id.as_str()),
            )
        })?;
        let viewport = checklist.viewport_by_id(&new.viewport).with_context(|| {
            unknown(
                "viewport",
                &new.viewport,
                checklist.viewports.iter().map(|v| v.id.as_str()),
            )
        })?;
        let Some(environment) = checklist.environment_of(browser, viewport) else {
            bail!(
                "the matrix excludes {}/{}: there is nothing to record there",
                new.browser,
                new.viewport
            );
        };
        if !checklist.applies(item, environment) {
            bail!(
                "item `{}` does not apply to {}/{} (its `only` leaves it out)",
                new.item,
                new.browser,
                new.viewport
            );
        }
        let status = Status::parse(&new.status).with_context(|| {
            format!(
                "status `{}` is not one of pass, fail, blocked, skip",
                new.status
            )
        })?;
        let severity = match (status, new.severity) {
            (Status::Fail, None) => Some(checklist.items[item].severity),
            (Status::Fail, Some(level)) => Some(Severity::new(level).with_context(|| {
                format!("severity {level} is not 1, 2 or 3 (1 blocker, 2 major, 3 minor)")
            })?),
            (_, Some(_)) => bail!(
                "a severity goes only with `fail`, not with `{}`",
                status.as_str()
            ),
            (_, None) => None,
        };
        let note = new
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        if status.needs_note() && note.is_none() {
            bail!(
                "`{}` needs a note saying why (--note \"…\")",
                status.as_str()
            );
        }
        let mut evidence = new.kept_evidence.clone();
        for path in &new.evidence {
            evidence.push(evidence_of(path)?);
        }
        Ok(ResultEntry {
            seq,
            at,
            tester: tester.to_string(),
            item: new.item.clone(),
            browser: new.browser.clone(),
            viewport: new.viewport.clone(),
            status,
            severity: severity.map(Severity::level),
            note,
            evidence,
        })
    }

    /// The newest result that still counts, which `undo` would withdraw.
    pub fn last_undoable(&self) -> Option<&ResultEntry> {
        self.entries.iter().rev().find_map(|entry| match entry {
            Entry::Result(r) if !self.results.is_undone(r.seq) => Some(r),
            _ => None,
        })
    }

    fn push(&mut self, entry: Entry) -> Result<()> {
        self.entries.push(entry);
        let index = self.entries.len() - 1;
        self.results
            .apply(&self.checklist, &self.entries, index)
            .map_err(|message| anyhow::anyhow!("internal error: {message}"))
    }
}

fn unknown<'a>(what: &str, given: &str, known: impl Iterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.collect();
    let closest = known
        .iter()
        .map(|k| (strsim::levenshtein(given, k), *k))
        .min()
        .filter(|(distance, _)| *distance <= 3);
    match closest {
        Some((_, suggestion)) => {
            format!("no {what} `{given}` in the checklist; did you mean `{suggestion}`?")
        }
        None if known.len() <= 12 => format!(
            "no {what} `{given}` in the checklist (it has {})",
            known.join(", ")
        ),
        None => format!("no {what} `{given}` in the checklist"),
    }
}

fn evidence_of(path: &Path) -> Result<Evidence> {
    let metadata = std::fs::metadata(path)
        .with_context(|| format!("evidence {} cannot be read", path.display()))?;
    if !metadata.is_file() {
        bail!("evidence {} is not a file", path.display());
    }
    let sha256 = sha256_file(path).with_context(|| format!("evidence {}", path.display()))?;
    let absolute = std::fs::canonicalize(path)
        .with_context(|| format!("evidence {} cannot be read", path.display()))?;
    Ok(Evidence {
        path: absolute.display().to_string(),
        sha256,
    })
}

/// A run opened for writing. Holding it holds the run's lock; every entry it appends is on
/// stable storage before the call returns.
#[derive(Debug)]
pub struct RunSession {
    pub run: Run,
    writer: JournalWriter,
}

impl RunSession {
    /// Locks run `id` and opens it. A torn last line is set aside with a warning.
    pub fn open(store: &RunStore, id: &str, warn: &mut dyn FnMut(String)) -> Result<RunSession> {
        let dir = store.dir(id);
        if !dir.join(crate::store::META_FILE).is_file() {
            bail!("no run `{id}` in {}", dir.display());
        }
        let (meta, checklist) = Run::read_checklist(store, id)?;
        let (writer, entries) = JournalWriter::open(&dir, warn)
            .with_context(|| format!("cannot open run {id} for recording"))?;
        let run = Run::assemble(dir, meta, checklist, entries, warn);
        Ok(RunSession { run, writer })
    }

    /// Checks and records one result; returns it as recorded.
    pub fn record(&mut self, new: &NewResult, tester: &str) -> Result<&ResultEntry> {
        let entry = self
            .run
            .prepare(new, tester, now_rfc3339(), self.writer.next_seq())?;
        self.append(Entry::Result(entry))?;
        match self.run.entries.last() {
            Some(Entry::Result(r)) => Ok(r),
            _ => bail!("internal error: the recorded entry is missing"),
        }
    }

    /// Withdraws the newest result that still counts; returns the result withdrawn.
    pub fn undo(&mut self, tester: &str) -> Result<ResultEntry> {
        let target = self
            .run
            .last_undoable()
            .cloned()
            .context("there is nothing to undo")?;
        self.append(Entry::Undo(UndoEntry {
            seq: self.writer.next_seq(),
            at: now_rfc3339(),
            tester: tester.to_string(),
            undoes: target.seq,
        }))?;
        Ok(target)
    }

    fn append(&mut self, entry: Entry) -> Result<()> {
        self.writer.append(&entry)?;
        self.run.push(entry)
    }
}

/// Now, in UTC, as RFC 3339 with seconds: the form every time in a run takes.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
