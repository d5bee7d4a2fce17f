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

mod entry;

pub use entry::{CarriedFrom, Entry, Evidence, ResultEntry, ShapeError, UndoEntry};

use crate::fsutil::{flush_data_to_disk, flush_to_disk};

/// Everything that can go wrong with a journal, with the file or line it concerns.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{}: line {line} is not a journal entry ({reason}); fix or remove that line to open \
         the run",
        path.display()
    )]
    Damaged {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error(
        "{}: line {line} has entry number {found} where {expected} was expected; \
         the journal was edited by hand or two files were joined",
        path.display()
    )]
    OutOfOrder {
        path: PathBuf,
        line: usize,
        found: u64,
        expected: u64,
    },
    #[error(transparent)]
    InUse(#[from] RunInUse),
    #[error("cannot {action} {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "cannot write to {}; nothing was recorded (is the disk full or read-only?)",
        path.display()
    )]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "an earlier write to {} failed and could not be undone; nothing more is written \
         until the run is reopened (its next opening sets the partial line aside)",
        path.display()
    )]
    WritesStopped { path: PathBuf },
    #[error("internal error: entry {found} appended where {expected} was due")]
    OutOfTurn { found: u64, expected: u64 },
}

impl JournalError {
    fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> JournalError {
        let path = path.to_path_buf();
        move |source| JournalError::Io {
            action,
            path,
            source,
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

/// Parses journal bytes, as the journal at `path` would be read.
pub fn parse_journal(bytes: &[u8], path: &Path) -> Result<JournalContents, JournalError> {
    read_entries(&mut &bytes[..], path)
}

/// The longest journal line read: far past any entry greenlight writes.
pub const MAX_LINE_BYTES: u64 = 16 << 20;

/// Reads the entries of the journal at `path` a line at a time, so a large journal is never
/// in memory whole.
///
/// A last line without its newline is a write cut short by a crash: it is returned apart,
/// for the next writer to set aside. So is a last line that holds NUL bytes, which is what
/// a power cut leaves where a write's first page never reached the disk. Any other line
/// that is not an entry — a complete last line included, which no crash leaves behind —
/// is an error naming the file and the line, since silently dropping a result is worse.
pub fn read_entries(
    reader: &mut dyn BufRead,
    path: &Path,
) -> Result<JournalContents, JournalError> {
    let mut contents = JournalContents::default();
    let mut line = Vec::with_capacity(1024);
    for line_number in 1usize.. {
        line.clear();
        // No entry comes near this (a note is text a person typed); a longer line is not
        // read whole, so a hostile journal cannot take the memory.
        let read = std::io::Read::take(&mut *reader, MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut line)
            .map_err(|source| JournalError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        if read == 0 {
            break;
        }
        if read as u64 > MAX_LINE_BYTES {
            return Err(JournalError::Damaged {
                path: path.to_path_buf(),
                line: line_number,
                reason: format!("it is longer than {} MB", MAX_LINE_BYTES >> 20),
            });
        }
        let complete = line.last() == Some(&b'\n');
        let parsed = complete.then(|| serde_json::from_slice::<Entry>(&line[..read - 1]));
        let entry = match parsed {
            Some(Ok(entry)) => entry,
            other => {
                let rest = reader.fill_buf().map_err(|source| JournalError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                if rest.is_empty() && (!complete || line.contains(&0)) {
                    contents.torn_tail = Some(line);
                    break;
                }
                let reason = match other {
                    Some(Err(err)) => err.to_string(),
                    _ => "it has no end of line".to_string(),
                };
                return Err(JournalError::Damaged {
                    path: path.to_path_buf(),
                    line: line_number,
                    reason,
                });
            }
        };
        let expected = contents.entries.len() as u64 + 1;
        if entry.seq() != expected {
            return Err(JournalError::OutOfOrder {
                path: path.to_path_buf(),
                line: line_number,
                found: entry.seq(),
                expected,
            });
        }
        contents.entries.push(entry);
        contents.good_len += read as u64;
    }
    Ok(contents)
}

/// Reads a journal without changing it. A missing file is an empty journal.
pub fn read_journal(path: &Path) -> Result<JournalContents, JournalError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(JournalContents::default());
        }
        Err(source) => {
            return Err(JournalError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    read_entries(&mut BufReader::with_capacity(1 << 16, file), path)
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
    pub fn open(
        dir: &Path,
        warn: &mut dyn FnMut(String),
    ) -> Result<(JournalWriter, Vec<Entry>), JournalError> {
        let lock = acquire_lock(dir)?;
        let path = dir.join(JOURNAL_FILE);
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(JournalError::io("open for writing", &path))?;
        let contents = read_entries(&mut BufReader::with_capacity(1 << 16, &file), &path)?;
        if let Some(tail) = &contents.torn_tail {
            let aside = set_aside(dir, tail)?;
            file.set_len(contents.good_len)
                .and_then(|()| flush_to_disk(&file))
                .map_err(JournalError::io("repair", &path))?;
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
    pub fn append(&mut self, entry: &Entry) -> Result<(), JournalError> {
        self.write_entry(entry, true)
    }

    /// Appends `entry` without waiting for the disk: for a batch, which [`Self::sync`] then
    /// makes durable at once (a crash before it loses, at most, the batch's tail, which the
    /// next open sets aside if torn).
    pub fn append_unsynced(&mut self, entry: &Entry) -> Result<(), JournalError> {
        self.write_entry(entry, false)
    }

    /// Flushes everything appended to stable storage.
    pub fn sync(&mut self) -> Result<(), JournalError> {
        flush_data_to_disk(&self.file).map_err(|source| JournalError::Write {
            path: self.path.clone(),
            source,
        })
    }

    fn write_entry(&mut self, entry: &Entry, sync: bool) -> Result<(), JournalError> {
        if self.damaged {
            return Err(JournalError::WritesStopped {
                path: self.path.clone(),
            });
        }
        if entry.seq() != self.next_seq {
            return Err(JournalError::OutOfTurn {
                found: entry.seq(),
                expected: self.next_seq,
            });
        }
        let mut line = serde_json::to_vec(entry).map_err(|err| JournalError::Write {
            path: self.path.clone(),
            source: err.into(),
        })?;
        line.push(b'\n');
        let written = self.file.write_all(&line).and_then(|()| {
            if sync {
                flush_data_to_disk(&self.file)
            } else {
                Ok(())
            }
        });
        if let Err(source) = written {
            let cut_back = self
                .file
                .set_len(self.len)
                .and_then(|()| self.file.seek(SeekFrom::End(0)).map(|_| ()));
            self.damaged = cut_back.is_err();
            return Err(JournalError::Write {
                path: self.path.clone(),
                source,
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

fn acquire_lock(dir: &Path) -> Result<File, JournalError> {
    let path = dir.join(LOCK_FILE);
    let mut lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(JournalError::io("open the lock file", &path))?;
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
        Err(TryLockError::Error(source)) => {
            return Err(JournalError::io("lock", &path)(source));
        }
    }
    // The pid is only a hint for the "in use" message; failing to write it is harmless.
    let _ = lock
        .set_len(0)
        .and_then(|()| lock.write_all(std::process::id().to_string().as_bytes()));
    Ok(lock)
}

fn set_aside(dir: &Path, tail: &[u8]) -> Result<PathBuf, JournalError> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let path = dir.join(format!("torn-{stamp}.jsonl"));
    File::create(&path)
        .and_then(|mut file| {
            file.write_all(tail)?;
            flush_to_disk(&file)
        })
        .map_err(JournalError::io("set the torn line aside in", &path))?;
    Ok(path)
}

/// Flushes a folder's entries (new files, renames) to stable storage.
pub fn sync_dir(dir: &Path) -> Result<(), JournalError> {
    crate::fsutil::flush_folder_to_disk(dir).map_err(JournalError::io("flush folder", dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::Severity;
    use crate::fsutil::flushes_on_this_thread;
    use crate::status::Status;

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
            carried_from: None,
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
        let contents = parse_journal(&bytes, Path::new(JOURNAL_FILE)).unwrap();
        assert_eq!(contents.entries.len(), 2);
        assert_eq!(contents.good_len, good);
        assert!(contents.torn_tail.unwrap().starts_with(b"{\"kind\""));
    }

    #[test]
    fn a_line_longer_than_the_limit_is_damage_and_is_not_read_whole() {
        let mut bytes = lines(&[pass(1)]);
        bytes.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES as usize + 10));
        bytes.extend(b"\n");
        bytes.extend(lines(&[pass(2)]));
        let err = parse_journal(&bytes, Path::new("j")).unwrap_err();
        assert!(
            matches!(&err, JournalError::Damaged { line: 2, reason, .. } if reason.contains("longer than 16 MB")),
            "{err}"
        );
    }

    #[test]
    fn damage_before_the_last_line_is_an_error_naming_the_line() {
        let mut bytes = lines(&[pass(1)]);
        bytes.extend_from_slice(b"garbage\n");
        bytes.extend(lines(&[pass(2)]));
        let err = parse_journal(&bytes, Path::new(JOURNAL_FILE))
            .unwrap_err()
            .to_string();
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
            r.severity = Some(Severity::BLOCKER);
            r.note = Some("a, \"quoted\"\nnote".into());
            r.evidence = vec![Evidence {
                path: "/a.png".into(),
                sha256: "00".into(),
                name: Some("a.png".into()),
            }];
        }
        let contents = parse_journal(
            &lines(&[failed.clone(), undo.clone()]),
            Path::new(JOURNAL_FILE),
        )
        .unwrap();
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
        let err = parse_journal(&bytes, Path::new(JOURNAL_FILE))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn a_second_writer_is_refused_and_the_lock_dies_with_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let mut warnings = Vec::new();
        let (first, _) = JournalWriter::open(dir.path(), &mut |w| warnings.push(w)).unwrap();
        let err = JournalWriter::open(dir.path(), &mut |_| {}).unwrap_err();
        let JournalError::InUse(in_use) = err else {
            panic!("a RunInUse error, not {err}")
        };
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

    #[test]
    fn a_complete_last_line_that_is_damaged_is_an_error_not_a_crash() {
        let mut bytes = lines(&[pass(1)]);
        bytes.extend_from_slice(b"{\"kind\":\"result\",\"seq\":2,\"garbage\n");
        let err = parse_journal(&bytes, Path::new(JOURNAL_FILE)).unwrap_err();
        assert!(
            matches!(err, JournalError::Damaged { line: 2, .. }),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(JOURNAL_FILE), &bytes).unwrap();
        let mut warnings = Vec::new();
        let err = JournalWriter::open(dir.path(), &mut |w| warnings.push(w)).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            std::fs::read(dir.path().join(JOURNAL_FILE)).unwrap(),
            bytes,
            "nothing set aside or cut"
        );
    }

    #[test]
    fn a_last_line_holding_nul_bytes_is_what_a_power_cut_leaves_and_is_set_aside() {
        let mut bytes = lines(&[pass(1)]);
        bytes.extend_from_slice(b"\0\0\0\0\",\"note\":\"x\"}\n");
        let contents = parse_journal(&bytes, Path::new(JOURNAL_FILE)).unwrap();
        assert_eq!(contents.entries, vec![pass(1)]);
        assert!(contents.torn_tail.is_some());
        // The same bytes before the last line are damage.
        bytes.extend(lines(&[pass(2)]));
        assert!(parse_journal(&bytes, Path::new(JOURNAL_FILE)).is_err());
    }

    #[test]
    fn a_missing_journal_is_empty_but_one_that_cannot_be_opened_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_FILE);
        assert!(read_journal(&path).unwrap().entries.is_empty());
        // A link to itself cannot be opened (ELOOP), even as root.
        std::os::unix::fs::symlink(&path, &path).unwrap();
        let err = read_journal(&path).unwrap_err();
        assert!(matches!(err, JournalError::Read { .. }), "{err}");
    }

    #[test]
    fn every_append_is_flushed_to_stable_storage_before_it_returns() {
        let dir = tempfile::tempdir().unwrap();
        let (mut writer, _) = JournalWriter::open(dir.path(), &mut |_| {}).unwrap();
        for seq in 1..=3 {
            let before = flushes_on_this_thread();
            writer.append(&pass(seq)).unwrap();
            assert_eq!(flushes_on_this_thread(), before + 1, "entry {seq}");
        }
        let before = flushes_on_this_thread();
        sync_dir(dir.path()).unwrap();
        assert_eq!(flushes_on_this_thread(), before + 1, "the folder too");
    }

    #[test]
    fn an_entry_out_of_turn_is_refused_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut writer, _) = JournalWriter::open(dir.path(), &mut |_| {}).unwrap();
        let err = writer.append(&pass(2)).unwrap_err();
        assert!(
            matches!(
                err,
                JournalError::OutOfTurn {
                    found: 2,
                    expected: 1
                }
            ),
            "{err}"
        );
        writer.append(&pass(1)).unwrap();
        assert_eq!(writer.next_seq(), 2);
        let contents = read_journal(&dir.path().join(JOURNAL_FILE)).unwrap();
        assert_eq!(contents.entries, vec![pass(1)]);
    }
}
