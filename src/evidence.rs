//! Evidence that travels (DESIGN.md §2): a screenshot or recording attached to a result is
//! copied into the run folder as `evidence/SHA256.EXT` the moment it is attached, so a file
//! deleted from the desktop is still in the run, its exports and its sign-off. Files are
//! named by their hash, so a file attached twice is kept once, and what a statement names
//! can be found — and checked — by its hash alone, never by a path it gives.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::fsutil::{flush_folder_to_disk, flush_to_disk, hex, open_regular_file};
use crate::journal::Evidence;

/// The folder, inside a run folder or a sign-off folder, that holds the evidence files.
pub const FOLDER: &str = "evidence";

/// The largest evidence file attached unless the config says otherwise: 50 MB.
pub const DEFAULT_LIMIT: u64 = 50 * 1000 * 1000;

/// Why a file cannot be attached.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("evidence {} cannot be read", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("evidence {} is not a file", path.display())]
    NotAFile { path: PathBuf },
    #[error(
        "evidence {} is {} MB, over the {} MB limit; attach a smaller file, or raise \
         `evidence_max_mb` in greenlight's config.yaml",
        path.display(),
        size / 1_000_000,
        limit / 1_000_000
    )]
    TooBig {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("cannot keep evidence {} in the run folder {}", path.display(), run.display())]
    NotKept {
        path: PathBuf,
        run: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The lowercase extension of `path` when it is a plain one (letters and digits, up to 10),
/// so a stored name never holds anything but hex, a dot and that.
fn extension(path: &Path) -> Option<String> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    (!ext.is_empty() && ext.len() <= 10 && ext.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(ext)
}

/// `SHA256.EXT` (or `SHA256`), the name a file is kept under.
fn stored_name(sha256: &str, ext: Option<&str>) -> String {
    match ext {
        Some(ext) => format!("{sha256}.{ext}"),
        None => sha256.to_string(),
    }
}

/// The name under `evidence/` of a file a statement or journal names: made from its hash
/// (which must be 64 hex digits) and the extension of its path (which must be plain), never
/// taken as written.
pub fn file_name_of(evidence: &Evidence) -> Option<String> {
    let valid = evidence.sha256.len() == 64
        && evidence
            .sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    valid.then(|| {
        stored_name(
            &evidence.sha256,
            extension(Path::new(&evidence.path)).as_deref(),
        )
    })
}

/// Copies `source` (a regular file of at most `limit` bytes) into `run/evidence/`, hashing
/// it on the way, and returns what the journal records. The copy is on disk before this
/// returns, so a journal line never names a file that is not there.
pub fn keep(run: &Path, source: &Path, limit: u64) -> Result<Evidence, EvidenceError> {
    let unreadable = |err| EvidenceError::Unreadable {
        path: source.to_path_buf(),
        source: err,
    };
    let not_kept = |err| EvidenceError::NotKept {
        path: source.to_path_buf(),
        run: run.to_path_buf(),
        source: err,
    };
    let mut file = open_regular_file(source).map_err(|err| {
        if err.kind() == std::io::ErrorKind::InvalidInput {
            EvidenceError::NotAFile {
                path: source.to_path_buf(),
            }
        } else {
            unreadable(err)
        }
    })?;
    let metadata = file.metadata().map_err(unreadable)?;
    let too_big = |size| EvidenceError::TooBig {
        path: source.to_path_buf(),
        size,
        limit,
    };
    if metadata.len() > limit {
        return Err(too_big(metadata.len()));
    }
    let folder = run.join(FOLDER);
    std::fs::create_dir_all(&folder).map_err(not_kept)?;
    let mut copy = tempfile::Builder::new()
        .prefix(".adding-")
        .tempfile_in(&folder)
        .map_err(not_kept)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 16];
    let mut size = 0u64;
    loop {
        let read = file.read(&mut buffer).map_err(unreadable)?;
        if read == 0 {
            break;
        }
        size += read as u64;
        if size > limit {
            return Err(too_big(size));
        }
        hasher.update(&buffer[..read]);
        copy.write_all(&buffer[..read]).map_err(not_kept)?;
    }
    let sha256 = hex(&hasher.finalize());
    let name = stored_name(&sha256, extension(source).as_deref());
    let target = folder.join(&name);
    if !target.is_file() {
        flush_to_disk(copy.as_file()).map_err(not_kept)?;
        copy.persist(&target).map_err(|err| not_kept(err.error))?;
        flush_folder_to_disk(&folder).map_err(not_kept)?;
    }
    Ok(Evidence {
        path: format!("{FOLDER}/{name}"),
        sha256,
        name: source.file_name().map(|n| n.to_string_lossy().into_owned()),
    })
}

/// The file a cell's evidence is kept in, under `folder` (a run or sign-off folder).
pub fn kept_file(folder: &Path, evidence: &Evidence) -> Option<PathBuf> {
    Some(folder.join(FOLDER).join(file_name_of(evidence)?))
}

/// [`kept_file`], or why a journal's evidence names none.
fn kept_file_named(folder: &Path, evidence: &Evidence) -> Result<PathBuf, String> {
    kept_file(folder, evidence).ok_or_else(|| {
        format!(
            "evidence `{}` is not named by a sha256",
            crate::untrusted::one_line(&evidence.path)
        )
    })
}

/// Whether the file kept for `evidence` under `folder` is there, is a regular file (not a
/// symbolic link) of at most `limit` bytes (a sign-off folder comes from a pull request: a
/// link to `/dev/zero` must not hold the gate forever) and has its hash.
pub fn check(folder: &Path, evidence: &Evidence, limit: u64) -> Result<(), String> {
    let path = kept_file_named(folder, evidence)?;
    let sha256 = crate::fsutil::sha256_of_file_not_linked(&path, limit)
        .map_err(|err| format!("{}: {err}", path.display()))?;
    if sha256 == evidence.sha256 {
        Ok(())
    } else {
        Err(format!("{} does not match its sha256", path.display()))
    }
}

/// The largest evidence file a sign-off copies or a check hashes: a folder from a pull
/// request must not make the gate read forever.
pub const MAX_KEPT_BYTES: u64 = 1 << 30;

/// The bytes of the file kept for `evidence` under `folder`, read only when it passes
/// [`check`]'s rules: a regular file, not a symbolic link, at most `limit` bytes, with the
/// sha256 the journal gives. What leaves the machine (an upload, a copy beside bug drafts)
/// is read through here, so a link planted in a run folder is never followed.
pub fn read_kept(folder: &Path, evidence: &Evidence, limit: u64) -> Result<Vec<u8>, String> {
    let path = kept_file_named(folder, evidence)?;
    let bytes = crate::fsutil::read_file_not_linked(&path, limit)
        .map_err(|err| format!("{}: {err}", path.display()))?;
    if hex(&Sha256::digest(&bytes)) == evidence.sha256 {
        Ok(bytes)
    } else {
        Err(format!("{} does not match its sha256", path.display()))
    }
}

/// The path a terminal pastes when a file is dropped on it: quoted (`'…'` or `"…"`),
/// with backslash-escaped spaces, or a `file://` URI (percent-encoded); `~` expanded.
pub fn dropped_path(text: &str) -> PathBuf {
    let text = text.trim();
    let unquoted = ['\'', '"']
        .iter()
        .find_map(|q| text.strip_prefix(*q).and_then(|t| t.strip_suffix(*q)));
    let text = match unquoted {
        Some(inner) => inner.to_string(),
        None => unescape(text),
    };
    if let Some(rest) = text.strip_prefix("file://") {
        // `file:///home/x` or `file://localhost/home/x`.
        let path = rest.strip_prefix("localhost").unwrap_or(rest);
        return PathBuf::from(percent_decode(path));
    }
    crate::fsutil::expand_home(Path::new(&text))
}

/// `a\ b` as `a b`: a backslash keeps the character after it.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// `%20` and friends decoded; anything malformed kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_kept_under_its_hash_once_and_survives_its_original() {
        let dir = tempfile::tempdir().unwrap();
        let shot = dir.path().join("Screen Shot 1.PNG");
        std::fs::write(&shot, b"png bytes").unwrap();
        let run = dir.path().join("run");
        let kept = keep(&run, &shot, DEFAULT_LIMIT).unwrap();
        let sha = crate::fsutil::sha256_hex(b"png bytes");
        assert_eq!(kept.path, format!("evidence/{sha}.png"));
        assert_eq!(kept.sha256, sha);
        assert_eq!(kept.name.as_deref(), Some("Screen Shot 1.PNG"));
        std::fs::remove_file(&shot).unwrap();
        let stored = kept_file(&run, &kept).unwrap();
        assert_eq!(std::fs::read(&stored).unwrap(), b"png bytes");
        assert_eq!(check(&run, &kept, DEFAULT_LIMIT), Ok(()));
        std::fs::write(&shot, b"png bytes").unwrap();
        assert_eq!(keep(&run, &shot, DEFAULT_LIMIT).unwrap(), kept, "kept once");
        assert_eq!(std::fs::read_dir(run.join(FOLDER)).unwrap().count(), 1);
        std::fs::write(&stored, b"changed").unwrap();
        assert!(check(&run, &kept, DEFAULT_LIMIT).is_err());
    }

    #[test]
    fn folders_fifos_and_files_over_the_limit_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path().join("run");
        assert!(matches!(
            keep(&run, dir.path(), DEFAULT_LIMIT),
            Err(EvidenceError::NotAFile { .. })
        ));
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(matches!(
                keep(&run, &fifo, DEFAULT_LIMIT),
                Err(EvidenceError::NotAFile { .. })
            ));
        }
        let big = dir.path().join("big.mov");
        std::fs::write(&big, vec![0; 2000]).unwrap();
        let err = keep(&run, &big, 1000).unwrap_err();
        assert!(
            matches!(err, EvidenceError::TooBig { size: 2000, .. }),
            "{err}"
        );
        assert!(
            !run.join(FOLDER).exists() || std::fs::read_dir(run.join(FOLDER)).unwrap().count() == 0
        );
    }

    #[test]
    fn a_name_from_a_statement_is_made_from_its_hash_never_its_path() {
        let sha = "a".repeat(64);
        let evidence = |path: &str, sha256: &str| Evidence {
            path: path.into(),
            sha256: sha256.into(),
            name: None,
        };
        assert_eq!(
            file_name_of(&evidence("../../etc/passwd.png", &sha)),
            Some(format!("{sha}.png"))
        );
        assert_eq!(
            file_name_of(&evidence("x.p/../g", &sha)),
            Some(sha.clone()),
            "an odd extension is dropped"
        );
        assert_eq!(file_name_of(&evidence("x.png", "../../x")), None);
        assert_eq!(file_name_of(&evidence("x.png", &"A".repeat(64))), None);
    }

    #[test]
    fn dropped_paths_are_read_as_terminals_paste_them() {
        assert_eq!(
            dropped_path("'/tmp/My Shot.png' "),
            Path::new("/tmp/My Shot.png")
        );
        assert_eq!(
            dropped_path("\"/tmp/My Shot.png\""),
            Path::new("/tmp/My Shot.png")
        );
        assert_eq!(
            dropped_path("/tmp/My\\ Shot\\ (2).png"),
            Path::new("/tmp/My Shot (2).png")
        );
        assert_eq!(
            dropped_path("file:///tmp/My%20Shot%C3%A9.png"),
            Path::new("/tmp/My Shoté.png")
        );
        assert_eq!(
            dropped_path("file://localhost/tmp/a.png"),
            Path::new("/tmp/a.png")
        );
        assert_eq!(
            dropped_path("/tmp/100%25"),
            Path::new("/tmp/100%25"),
            "only URIs decode"
        );
    }
}
