//! The run journal: an append-only file of JSON lines, one entry per result or undo.
//!
//! Durability rules (DESIGN.md §2): an entry is written with one `write` call and flushed to
//! stable storage before anyone is told it is recorded; nothing is ever rewritten in place.
//! A crash can leave at most one torn line at the end: readers ignore it, and the next writer
//! moves it aside into a `torn-*.jsonl` file before appending. Only one process writes a run
//! at a time, enforced by an OS file lock that dies with its process, so a crashed writer
//! never leaves a lock behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// The outcome of checking one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Blocked,
    Skip,
}

impl Status {
    /// Every status in the order reports list them.
    pub const ALL: [Status; 4] = [Status::Pass, Status::Fail, Status::Blocked, Status::Skip];

    /// The word used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Blocked => "blocked",
            Status::Skip => "skip",
        }
    }

    /// Parses the command-line word.
    pub fn parse(word: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// Whether a note must explain this status.
    pub fn needs_note(self) -> bool {
        matches!(self, Status::Blocked | Status::Skip)
    }
}

/// An attached screenshot or recording, fixed by its hash when attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub path: String,
    pub sha256: String,
}

/// One result entered for one cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultEntry {
    pub seq: u64,
    /// UTC, RFC 3339.
    pub at: String,
    pub tester: String,
    pub item: String,
    pub browser: String,
    pub viewport: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// Withdraws an earlier result; the cell goes back to what it was before that result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UndoEntry {
    pub seq: u64,
    pub at: String,
    pub tester: String,
    /// The `seq` of the result entry withdrawn.
    pub undoes: u64,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", try_from = "Line")]
pub enum Entry {
    Result(ResultEntry),
    Undo(UndoEntry),
}

impl Entry {
    /// The entry's position in the journal, from 1.
    pub fn seq(&self) -> u64 {
        match self {
            Entry::Result(r) => r.seq,
            Entry::Undo(u) => u.seq,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Result,
    Undo,
}

/// A journal line with the fields of every kind, read in one pass and then checked into an
/// [`Entry`]. (serde reads an internally tagged enum by first copying each line into a
/// generic tree: twice the work, and a quarter of the time it takes to open a large run.)
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    kind: Kind,
    seq: u64,
    at: String,
    tester: String,
    item: Option<String>,
    browser: Option<String>,
    viewport: Option<String>,
    status: Option<Status>,
    severity: Option<u8>,
    note: Option<String>,
    evidence: Option<Vec<Evidence>>,
    undoes: Option<u64>,
}

impl TryFrom<Line> for Entry {
    type Error = String;

    fn try_from(line: Line) -> Result<Entry, String> {
        let missing = |field: &str| format!("missing field `{field}`");
        match line.kind {
            Kind::Result => {
                if line.undoes.is_some() {
                    return Err("a result entry has an `undoes` field".into());
                }
                Ok(Entry::Result(ResultEntry {
                    seq: line.seq,
                    at: line.at,
                    tester: line.tester,
                    item: line.item.ok_or_else(|| missing("item"))?,
                    browser: line.browser.ok_or_else(|| missing("browser"))?,
                    viewport: line.viewport.ok_or_else(|| missing("viewport"))?,
                    status: line.status.ok_or_else(|| missing("status"))?,
                    severity: line.severity,
                    note: line.note,
                    evidence: line.evidence.unwrap_or_default(),
                }))
            }
            Kind::Undo => {
                let result_fields = [
                    line.item.is_some(),
                    line.browser.is_some(),
                    line.viewport.is_some(),
                    line.status.is_some(),
                    line.severity.is_some(),
                    line.note.is_some(),
                    line.evidence.is_some(),
                ];
                if result_fields.contains(&true) {
                    return Err("an undo entry has fields of a result entry".into());
                }
                Ok(Entry::Undo(UndoEntry {
                    seq: line.seq,
                    at: line.at,
                    tester: line.tester,
                    undoes: line.undoes.ok_or_else(|| missing("undoes"))?,
                }))
            }
        }
    }
}

/// What reading a journal found.
#[derive(Debug, Default)]
pub struct JournalContents {
    pub entries: Vec<Entry>,
    /// Bytes after the last complete entry: a write cut short by a crash.
    pub torn_tail: Option<Vec<u8>>,
    /// Length of the part that holds complete entries.
    pub good_len: u64,
}

/// Parses journal bytes. Only the last line may be damaged (a crash mid-write); damage
/// anywhere else is an error naming the line, since silently dropping a result is worse.
pub fn parse_journal(bytes: &[u8]) -> Result<JournalContents> {
    read_entries(&mut &bytes[..])
}

/// Like [`parse_journal`], a line at a time, so a large journal is never in memory whole.
pub fn read_entries(reader: &mut dyn BufRead) -> Result<JournalContents> {
    let mut contents = JournalContents::default();
    let mut line = Vec::with_capacity(1024);
    for line_number in 1usize.. {
        line.clear();
        let read = reader.read_until(b'\n', &mut line)?;
        if read == 0 {
            break;
        }
        if line.last() != Some(&b'\n') {
            // Only the last line can lack its newline: a write cut short.
            contents.torn_tail = Some(line);
            break;
        }
        let is_last = reader.fill_buf()?.is_empty();
        match serde_json::from_slice::<Entry>(&line[..read - 1]) {
            Ok(entry) => {
                let expected = contents.entries.len() as u64 + 1;
                if entry.seq() != expected {
                    bail!(
                        "line {line_number} has entry number {} where {expected} was expected; \
                         the journal was edited by hand or two files were joined",
                        entry.seq()
                    );
                }
                contents.entries.push(entry);
                contents.good_len += read as u64;
            }
            Err(_) if is_last => {
                contents.torn_tail = Some(line);
                break;
            }
            Err(err) => bail!(
                "line {line_number} is not a journal entry ({err}); \
                 fix or remove that line to open the run"
            ),
        }
    }
    Ok(contents)
}

/// Reads a journal without changing it. A missing file is an empty journal.
pub fn read_journal(path: &Path) -> Result<JournalContents> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(JournalContents::default());
        }
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
    };
    read_entries(&mut BufReader::with_capacity(1 << 16, file))
        .with_context(|| format!("the journal {} is damaged", path.display()))
}

/// The only handle that may append to a run's journal; holding it holds the run's lock.
#[derive(Debug)]
pub struct JournalWriter {
    file: File,
    path: PathBuf,
    len: u64,
    next_seq: u64,
    /// Set when a failed write could not be cut back: appending after the partial bytes
    /// would damage the journal, so nothing more is written until the run is reopened.
    damaged: bool,
    _lock: File,
}

/// Why a run could not be opened for writing because someone else has it.
#[derive(Debug, thiserror::Error)]
#[error("run is in use by another greenlight process{}; close it first", pid_hint(.pid))]
pub struct RunInUse {
    pub pid: Option<u32>,
}

fn pid_hint(pid: &Option<u32>) -> String {
    pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
}

impl JournalWriter {
    /// Locks the run folder `dir` and opens its journal for appending. A torn last line is
    /// moved to a `torn-*.jsonl` file beside it, with a warning through `warn`.
    pub fn open(dir: &Path, warn: &mut dyn FnMut(String)) -> Result<(JournalWriter, Vec<Entry>)> {
        let lock = acquire_lock(dir)?;
        let path = dir.join(JOURNAL_FILE);
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .with_context(|| format!("cannot open {} for writing", path.display()))?;
        let contents = read_entries(&mut BufReader::with_capacity(1 << 16, &file))
            .with_context(|| format!("the journal {} is damaged", path.display()))?;
        if let Some(tail) = &contents.torn_tail {
            let aside = set_aside(dir, tail)?;
            file.set_len(contents.good_len)
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot repair {}", path.display()))?;
            warn(format!(
                "the journal's last line was incomplete (a crash while writing?); \
                 {} bytes set aside in {}, every complete entry kept",
                tail.len(),
                aside.display()
            ));
        }
        sync_dir(dir)?;
        let writer = JournalWriter {
            file,
            path,
            len: contents.good_len,
            next_seq: contents.entries.len() as u64 + 1,
            damaged: false,
            _lock: lock,
        };
        Ok((writer, contents.entries))
    }

    /// The `seq` the next appended entry must carry.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Appends `entry` and flushes it to stable storage. On failure the file is cut back to
    /// where it was, so a half-written line never stays behind a live writer.
    pub fn append(&mut self, entry: &Entry) -> Result<()> {
        if self.damaged {
            bail!(
                "an earlier write to {} failed and could not be undone; nothing more is written \
                 until the run is reopened (its next opening sets the partial line aside)",
                self.path.display()
            );
        }
        if entry.seq() != self.next_seq {
            bail!(
                "internal error: entry {} appended where {} was due",
                entry.seq(),
                self.next_seq
            );
        }
        let mut line = serde_json::to_vec(entry).context("cannot encode the entry")?;
        line.push(b'\n');
        let written = self
            .file
            .write_all(&line)
            .and_then(|()| self.file.sync_data());
        if let Err(err) = written {
            let cut_back = self
                .file
                .set_len(self.len)
                .and_then(|()| self.file.seek(SeekFrom::End(0)).map(|_| ()));
            self.damaged = cut_back.is_err();
            return Err(err).with_context(|| {
                format!(
                    "cannot write to {}; nothing was recorded (is the disk full or read-only?)",
                    self.path.display()
                )
            });
        }
        self.len += line.len() as u64;
        self.next_seq += 1;
        Ok(())
    }
}

/// The journal's file name inside a run folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";
const LOCK_FILE: &str = "lock";

fn acquire_lock(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    let mut lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = lock.read_to_string(&mut text);
            return Err(RunInUse {
                pid: text.trim().parse().ok(),
            }
            .into());
        }
        Err(TryLockError::Error(err)) => {
            return Err(err).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    // The pid is only a hint for the "in use" message; failing to write it is harmless.
    let _ = lock
        .set_len(0)
        .and_then(|()| lock.write_all(std::process::id().to_string().as_bytes()));
    Ok(lock)
}

fn set_aside(dir: &Path, tail: &[u8]) -> Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let path = dir.join(format!("torn-{stamp}.jsonl"));
    let mut file = File::create(&path)
        .with_context(|| format!("cannot set the torn line aside in {}", path.display()))?;
    file.write_all(tail)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot set the torn line aside in {}", path.display()))?;
    Ok(path)
}

/// Flushes a folder's entries (new files, renames) to stable storage.
pub fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot flush folder {}", dir.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(seq: u64) -> Entry {
        Entry::Result(ResultEntry {
            seq,
            at: "2026-11-25T12:00:00Z".into(),
            tester: "Ada <ada@example.com>".into(),
            item: "a".into(),
            browser: "chrome".into(),
            viewport: "phone".into(),
            status: Status::Pass,
            severity: None,
            note: None,
            evidence: vec![],
        })
    }

    fn lines(entries: &[Entry]) -> Vec<u8> {
        let mut out = Vec::new();
        for e in entries {
            out.extend(serde_json::to_vec(e).unwrap());
            out.push(b'\n');
        }
        out
    }

    #[test]
    fn a_torn_last_line_is_separated_from_complete_entries() {
        let mut bytes = lines(&[pass(1), pass(2)]);
        let good = bytes.len() as u64;
        bytes.extend_from_slice(br#"{"kind":"result","seq":3,"at":"#);
        let contents = parse_journal(&bytes).unwrap();
        assert_eq!(contents.entries.len(), 2);
        assert_eq!(contents.good_len, good);
        assert!(contents.torn_tail.unwrap().starts_with(b"{\"kind\""));
    }

    #[test]
    fn damage_before_the_last_line_is_an_error_naming_the_line() {
        let mut bytes = lines(&[pass(1)]);
        bytes.extend_from_slice(b"garbage\n");
        bytes.extend(lines(&[pass(2)]));
        let err = parse_journal(&bytes).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn entries_read_back_as_written_and_mixed_kinds_are_refused() {
        let undo = Entry::Undo(UndoEntry {
            seq: 2,
            at: "2026-11-25T12:00:01Z".into(),
            tester: "Ada <ada@example.com>".into(),
            undoes: 1,
        });
        let mut failed = pass(1);
        if let Entry::Result(r) = &mut failed {
            r.status = Status::Fail;
            r.severity = Some(1);
            r.note = Some("a, \"quoted\"\nnote".into());
            r.evidence = vec![Evidence {
                path: "/a.png".into(),
                sha256: "00".into(),
            }];
        }
        let contents = parse_journal(&lines(&[failed.clone(), undo.clone()])).unwrap();
        assert_eq!(contents.entries, vec![failed, undo]);
        for bad in [
            r#"{"kind":"undo","seq":1,"at":"","tester":"","undoes":1,"item":"a"}"#,
            r#"{"kind":"result","seq":1,"at":"","tester":"","item":"a","browser":"b","viewport":"c"}"#,
            r#"{"kind":"result","seq":1,"at":"","tester":"","item":"a","browser":"b","viewport":"c","status":"pass","undoes":1}"#,
            r#"{"kind":"other","seq":1,"at":"","tester":""}"#,
            r#"{"kind":"undo","seq":1,"at":"","tester":"","undoes":1,"extra":0}"#,
        ] {
            assert!(serde_json::from_str::<Entry>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn out_of_order_entries_are_refused() {
        let bytes = lines(&[pass(1), pass(3)]);
        let err = parse_journal(&bytes).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn a_second_writer_is_refused_and_the_lock_dies_with_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let mut warnings = Vec::new();
        let (first, _) = JournalWriter::open(dir.path(), &mut |w| warnings.push(w)).unwrap();
        let err = JournalWriter::open(dir.path(), &mut |_| {}).unwrap_err();
        let in_use = err.downcast_ref::<RunInUse>().expect("a RunInUse error");
        assert_eq!(in_use.pid, Some(std::process::id()));
        drop(first);
        assert!(JournalWriter::open(dir.path(), &mut |_| {}).is_ok());
    }

    #[test]
    fn the_next_writer_sets_a_torn_line_aside_and_appends_after_the_good_part() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = lines(&[pass(1)]);
        bytes.extend_from_slice(b"{\"kind\":\"res");
        std::fs::write(dir.path().join(JOURNAL_FILE), &bytes).unwrap();
        let mut warnings = Vec::new();
        let (mut writer, entries) =
            JournalWriter::open(dir.path(), &mut |w| warnings.push(w)).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        writer.append(&pass(2)).unwrap();
        drop(writer);
        let contents = read_journal(&dir.path().join(JOURNAL_FILE)).unwrap();
        assert_eq!(contents.entries, vec![pass(1), pass(2)]);
        assert!(contents.torn_tail.is_none());
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("torn-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(std::fs::read(aside[0].path()).unwrap(), b"{\"kind\":\"res");
    }
}
