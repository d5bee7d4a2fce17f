//! An open run: its description, its checklist, its journal and what they amount to; and
//! the one way to add to it, [`RunSession`], which holds the run's lock.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::checklist::{Cell, Checklist, Severity};
use crate::evidence::EvidenceError;
use crate::fsutil::sha256_hex;
use crate::journal::{
    CarriedFrom, Entry, Evidence, JOURNAL_FILE, JournalError, JournalWriter, ResultEntry,
    UndoEntry, read_journal,
};
use crate::results::{Counts, Results};
use crate::status::Status;
use crate::store::{CHECKLIST_FILE, RunMeta, RunStore};
use crate::verdict::Verdict;

/// A run read from disk: what it is, what it follows, and every entry in order. Its parts
/// are read through methods, so that what the journal amounts to is only ever what
/// [`Results`] made of it.
#[derive(Debug)]
pub struct Run {
    meta: RunMeta,
    checklist: Checklist,
    entries: Vec<Entry>,
    results: Results,
    dir: PathBuf,
    /// How many cells hold a pass carried from an earlier approval, kept up to date.
    carried: usize,
}

/// A result the user wants to enter, before it is checked against the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResult {
    pub item: String,
    pub browser: String,
    pub viewport: String,
    pub status: Status,
    /// Failures only; `None` means the item's own severity.
    pub severity: Option<Severity>,
    pub note: Option<String>,
    /// New files to attach; each is hashed now.
    pub evidence: Vec<PathBuf>,
    /// Evidence already attached to the cell, kept as it was hashed then (editing a note
    /// must not re-read, or lose, an earlier screenshot).
    pub kept_evidence: Vec<Evidence>,
    /// Set only when the pass is carried from an earlier approval (DESIGN.md §7).
    pub carried_from: Option<Box<CarriedFrom>>,
}

impl NewResult {
    /// `status` for the cell named by these ids, with nothing else.
    pub fn new(item: &str, browser: &str, viewport: &str, status: Status) -> NewResult {
        NewResult {
            item: item.to_string(),
            browser: browser.to_string(),
            viewport: viewport.to_string(),
            status,
            severity: None,
            note: None,
            evidence: Vec::new(),
            kept_evidence: Vec::new(),
            carried_from: None,
        }
    }

    /// A new entry that repeats `latest` (to change its note or add evidence).
    pub fn repeating(latest: &ResultEntry) -> NewResult {
        NewResult {
            severity: latest.severity,
            note: latest.note.clone(),
            kept_evidence: latest.evidence.clone(),
            ..NewResult::new(
                &latest.item,
                &latest.browser,
                &latest.viewport,
                latest.status,
            )
        }
    }
}

/// Why a result cannot be recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("no {what} `{given}` in {scope}{}", hint(.nearest, .known))]
    Unknown {
        /// `item`, `browser` or `viewport`.
        what: &'static str,
        /// `the checklist`, or `this run's share` when the run covers a share.
        scope: &'static str,
        given: String,
        /// The id the user most likely meant.
        nearest: Option<String>,
        /// Every id there is, when there are few enough to list.
        known: Option<Vec<String>>,
    },
    #[error("the matrix excludes {browser}/{viewport}: there is nothing to record there")]
    Excluded { browser: String, viewport: String },
    #[error("item `{item}` does not apply to {browser}/{viewport} (its `only` leaves it out)")]
    DoesNotApply {
        item: String,
        browser: String,
        viewport: String,
    },
    #[error("a severity goes only with `fail`, not with `{0}`")]
    SeverityWithout(Status),
    #[error("`{status}` needs a note saying {} (--note \"…\")", what_to_say(*status))]
    NoteNeeded { status: Status },
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    #[error(transparent)]
    Journal(#[from] JournalError),
}

impl Run {
    /// Reads run `id` without locking it; a torn last journal line is ignored with a warning.
    pub fn open(store: &RunStore, id: &str, warn: &mut dyn FnMut(String)) -> Result<Run> {
        let dir = store.dir(id);
        let journal = dir.join(JOURNAL_FILE);
        // The checklist and the journal are each about half of the work on a large run, and
        // independent: they are read side by side.
        let (checklist, contents) = std::thread::scope(|scope| {
            let checklist = scope.spawn(|| Run::read_checklist(store, id));
            let contents = read_journal(&journal).with_context(|| format!("cannot open run {id}"));
            (joined(checklist), contents)
        });
        let (meta, checklist) = checklist?;
        let contents = contents?;
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
        let mut run = Run {
            meta,
            checklist,
            entries,
            results,
            dir,
            carried: 0,
        };
        run.carried = run.count_carried();
        run
    }

    /// Whether `cell`'s result is a pass carried from an earlier approval.
    pub fn is_carried(&self, cell: Cell) -> bool {
        self.latest(cell).is_some_and(|r| r.carried_from.is_some())
    }

    /// Where each carried pass of the run came from, one per carried cell.
    pub fn carried_sources(&self) -> impl Iterator<Item = &CarriedFrom> + '_ {
        self.checklist
            .cells()
            .filter_map(|cell| self.latest(cell)?.carried_from.as_deref())
    }

    /// How many cells hold a carried pass (DESIGN.md §7).
    pub fn carried(&self) -> usize {
        self.carried
    }

    fn count_carried(&self) -> usize {
        self.checklist
            .cells()
            .filter(|&cell| self.is_carried(cell))
            .count()
    }

    /// The run's description and its own copy of the checklist, checked against its hash.
    /// It runs on a thread of its own beside the journal's reading, so it takes only what
    /// can be shared.
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
        let checklist = Checklist::from_bytes(&bytes, &checklist_path.display().to_string())?;
        let checklist = match &meta.share {
            Some(share) => checklist
                .restrict(share)
                .with_context(|| format!("run {id}'s share no longer fits its checklist"))?,
            None => checklist,
        };
        Ok((meta, checklist))
    }

    /// Who, what, which commit.
    pub fn meta(&self) -> &RunMeta {
        &self.meta
    }

    /// The run's own copy of the checklist.
    pub fn checklist(&self) -> &Checklist {
        &self.checklist
    }

    /// The run's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every entry, oldest first: the whole history, undone entries included.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The result that counts for `cell`, if any.
    pub fn latest(&self, cell: Cell) -> Option<&ResultEntry> {
        self.results.latest(&self.entries, cell)
    }

    /// The status of `cell`; `None` is untested.
    pub fn status(&self, cell: Cell) -> Option<Status> {
        self.results.status(&self.entries, cell)
    }

    /// Counts over every cell.
    pub fn counts(&self) -> Counts {
        self.results.totals()
    }

    /// Counts per environment, in the checklist's order.
    pub fn per_environment(&self) -> &[Counts] {
        self.results.per_environment()
    }

    /// The policy's verdict on the run as it stands.
    pub fn verdict(&self) -> Verdict {
        self.results.verdict(&self.checklist, &self.entries)
    }

    /// What the journal amounts to, for searches that skip done items or environments.
    pub fn results(&self) -> &Results {
        &self.results
    }

    /// Every result entered for `cell`, oldest first, each with whether it was undone;
    /// found through the cell's own links, so it costs the cell's history, not the journal.
    pub fn history(&self, cell: Cell) -> Vec<(&ResultEntry, bool)> {
        let mut history: Vec<(&ResultEntry, bool)> = self
            .results
            .history_indexes(cell)
            .filter_map(|index| match &self.entries[index] {
                Entry::Result(r) => Some((r, self.results.is_undone(r.seq))),
                Entry::Undo(_) => None,
            })
            .collect();
        history.reverse();
        history
    }

    /// Whether `cell` has had more than one result, so that its history is worth showing.
    pub fn has_history(&self, cell: Cell) -> bool {
        self.results.has_history(cell)
    }

    /// Checks a result against the checklist and turns it into the entry to append.
    pub fn prepare(
        &self,
        new: &NewResult,
        tester: &str,
        at: String,
        seq: u64,
    ) -> Result<ResultEntry, RecordError> {
        let checklist = &self.checklist;
        let scope = match checklist.share {
            Some(_) => "this run's share",
            None => "the checklist",
        };
        let find = |what, given: &str, known: Vec<&String>| find(what, scope, given, known);
        // By the index first: a batch of 100,000 results must not compare every item's id
        // for each; the list of ids is made only to say what was meant.
        let item = match checklist.item_by_id(&new.item) {
            Some(item) => item,
            None => find(
                "item",
                &new.item,
                checklist.items.iter().map(|i| &i.id).collect(),
            )?,
        };
        let browser = find(
            "browser",
            &new.browser,
            checklist.browsers.iter().map(|b| &b.id).collect(),
        )?;
        let viewport = find(
            "viewport",
            &new.viewport,
            checklist.viewports.iter().map(|v| &v.id).collect(),
        )?;
        let Some(environment) = checklist.environment_of(browser, viewport) else {
            return Err(RecordError::Excluded {
                browser: new.browser.clone(),
                viewport: new.viewport.clone(),
            });
        };
        if !checklist.applies(item, environment) {
            return Err(RecordError::DoesNotApply {
                item: new.item.clone(),
                browser: new.browser.clone(),
                viewport: new.viewport.clone(),
            });
        }
        let status = new.status;
        let severity = match (status, new.severity) {
            (Status::Fail, given) => Some(given.unwrap_or(checklist.items[item].severity)),
            (_, Some(_)) => return Err(RecordError::SeverityWithout(status)),
            (_, None) => None,
        };
        let note = new
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        if status.needs_note() && note.is_none() {
            return Err(RecordError::NoteNeeded { status });
        }
        // New files are taken in by `RunSession::record`, which copies them into the run.
        let evidence = new.kept_evidence.clone();
        Ok(ResultEntry {
            seq,
            at,
            tester: tester.to_string(),
            item: new.item.clone(),
            browser: new.browser.clone(),
            viewport: new.viewport.clone(),
            status,
            severity,
            note,
            evidence,
            carried_from: new.carried_from.clone(),
        })
    }

    /// The newest result that still counts, which `undo` would withdraw.
    pub fn last_undoable(&self) -> Option<&ResultEntry> {
        self.entries.iter().rev().find_map(|entry| match entry {
            Entry::Result(r) if !self.results.is_undone(r.seq) => Some(r),
            _ => None,
        })
    }

    fn push(&mut self, entry: Entry) {
        // A result changes one cell, whose carried state is compared before and after; an
        // undo (rare) recounts every cell.
        let cell = match &entry {
            Entry::Result(r) => crate::results::cell_of(&self.checklist, r).ok(),
            Entry::Undo(_) => None,
        };
        let before = cell.map(|cell| self.is_carried(cell));
        self.entries.push(entry);
        let index = self.entries.len() - 1;
        // The entry was checked by `prepare` (or is an undo of a result that counts), so
        // the replay accepts it; were it ever not to, it is on disk and the next opening
        // reports it, so there is nothing to undo here — but tests must hear of it.
        let applied = self.results.apply(&self.checklist, &self.entries, index);
        debug_assert!(applied.is_ok(), "recorded but not counted: {applied:?}");
        self.carried = match (cell, before) {
            (Some(cell), Some(before)) => {
                self.carried + usize::from(self.is_carried(cell)) - usize::from(before)
            }
            _ => self.count_carried(),
        };
    }
}

/// What the note of a result with `status` must say.
fn what_to_say(status: Status) -> &'static str {
    match status {
        Status::Fail => "what went wrong",
        _ => "why",
    }
}

/// `; did you mean `x`?` or ` (it has a, b, c)`, or nothing.
fn hint(nearest: &Option<String>, known: &Option<Vec<String>>) -> String {
    match (nearest, known) {
        (Some(nearest), _) => format!("; did you mean `{nearest}`?"),
        (None, Some(known)) => format!(" (it has {})", known.join(", ")),
        (None, None) => String::new(),
    }
}

/// The index of `given` among the `known` ids of a kind of thing (`item`, `browser`, …), or
/// an error that names the nearest id, or all of them when there are few.
fn find(
    what: &'static str,
    scope: &'static str,
    given: &str,
    known: Vec<&String>,
) -> Result<usize, RecordError> {
    let known: Vec<&str> = known.into_iter().map(String::as_str).collect();
    if let Some(index) = known.iter().position(|k| *k == given) {
        return Ok(index);
    }
    let closest = known
        .iter()
        .map(|k| (strsim::levenshtein(given, k), *k))
        .min()
        .filter(|(distance, _)| *distance <= 3);
    Err(RecordError::Unknown {
        what,
        scope,
        given: given.to_string(),
        nearest: closest.map(|(_, nearest)| nearest.to_string()),
        known: (closest.is_none() && known.len() <= 12)
            .then(|| known.iter().map(|k| k.to_string()).collect()),
    })
}

/// A run opened for writing. Holding it holds the run's lock; every entry it appends is on
/// stable storage before the call returns.
#[derive(Debug)]
pub struct RunSession {
    run: Run,
    writer: JournalWriter,
    /// The largest evidence file taken in.
    evidence_limit: u64,
}

impl RunSession {
    /// Locks run `id` and opens it. A torn last line is set aside with a warning.
    pub fn open(store: &RunStore, id: &str, warn: &mut dyn FnMut(String)) -> Result<RunSession> {
        let dir = store.dir(id);
        if !dir.join(crate::store::META_FILE).is_file() {
            bail!("no run `{id}` in {}", dir.display());
        }
        // As in `Run::open`, the checklist is read beside the journal.
        let (checklist, journal) = std::thread::scope(|scope| {
            let checklist = scope.spawn(|| Run::read_checklist(store, id));
            let journal = JournalWriter::open(&dir, warn)
                .with_context(|| format!("cannot open run {id} for recording"));
            (joined(checklist), journal)
        });
        let (meta, checklist) = checklist?;
        let (writer, entries) = journal?;
        let run = Run::assemble(dir, meta, checklist, entries, warn);
        Ok(RunSession {
            run,
            writer,
            evidence_limit: crate::evidence::DEFAULT_LIMIT,
        })
    }

    /// Sets the largest evidence file taken in (the config's `evidence_max_mb`).
    pub fn set_evidence_limit(&mut self, bytes: u64) {
        self.evidence_limit = bytes;
    }

    /// The run as it stands, every recorded entry included.
    pub fn run(&self) -> &Run {
        &self.run
    }

    /// Checks and records one result; returns it as recorded, once it is on disk.
    pub fn record(&mut self, new: &NewResult, tester: &str) -> Result<ResultEntry, RecordError> {
        self.record_with(new, tester, true)
    }

    /// Records many results with one sync to disk at the end (an imported sheet of 100,000
    /// rows would otherwise wait for the disk 100,000 times). On an error, what was recorded
    /// before it is synced and kept; the error says how far it got.
    pub fn record_all(
        &mut self,
        news: &[NewResult],
        tester: &str,
    ) -> Result<Vec<ResultEntry>, (usize, RecordError)> {
        let mut recorded = Vec::with_capacity(news.len());
        for new in news {
            match self.record_with(new, tester, false) {
                Ok(entry) => recorded.push(entry),
                Err(err) => {
                    let _ = self.writer.sync();
                    return Err((recorded.len(), err));
                }
            }
        }
        self.writer
            .sync()
            .map_err(|err| (recorded.len(), err.into()))?;
        Ok(recorded)
    }

    fn record_with(
        &mut self,
        new: &NewResult,
        tester: &str,
        sync: bool,
    ) -> Result<ResultEntry, RecordError> {
        let mut entry = self
            .run
            .prepare(new, tester, now_rfc3339(), self.writer.next_seq())?;
        // Copied into the run (and on disk) before the journal names them.
        for path in &new.evidence {
            let kept = crate::evidence::keep(&self.run.dir, path, self.evidence_limit)?;
            if !entry.evidence.contains(&kept) {
                entry.evidence.push(kept);
            }
        }
        let line = Entry::Result(entry.clone());
        if sync {
            self.writer.append(&line)?;
        } else {
            self.writer.append_unsynced(&line)?;
        }
        self.run.push(line);
        Ok(entry)
    }

    /// Withdraws the newest result that still counts; returns the result withdrawn.
    pub fn undo(&mut self, tester: &str) -> Result<ResultEntry> {
        let target = self
            .run
            .last_undoable()
            .cloned()
            .context("there is nothing to undo")?;
        let entry = Entry::Undo(UndoEntry {
            seq: self.writer.next_seq(),
            at: now_rfc3339(),
            tester: tester.to_string(),
            undoes: target.seq,
        });
        self.writer.append(&entry)?;
        self.run.push(entry);
        Ok(target)
    }
}

/// Now, in UTC, as RFC 3339 with seconds: the form every time in a run takes.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The result of a thread that reads part of a run; a panic there becomes an error here.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    handle
        .join()
        .unwrap_or_else(|_| Err(anyhow::anyhow!("reading the run stopped unexpectedly")))
}
