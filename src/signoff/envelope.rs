//! A sign-off as found — a folder, a `signoff.json` with its `.sig`, or a comment — before
//! its statement is read. The signature comes first: its key is looked up in the allowed
//! signers before a statement file is read, a compressed one inflated or one carried by its
//! hash looked up (DESIGN.md §6), so a sign-off by an unlisted key costs the reading of its
//! signature and nothing more. And a listed key's signature over a statement that cannot be
//! found or read is said to be so, never taken as "no sign-off": the gate closes on it, so a
//! veto cannot be removed by deleting a file (DESIGN.md §5.1).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Context;
use chrono::{DateTime, Utc};
use ssh_key::{HashAlg, SshSig};

use super::allowed_signers::{AllowedSigners, Refusal};
use super::comment::{self, Carried, CommentError, Held};
use super::statement::NAMESPACE;
use crate::fsutil::{read_file_not_linked, sha256_hex, sha256_of_file_not_linked};
use crate::untrusted::one_line;

/// The largest statement file read: one of 120,000 cells is about 40 MB.
pub const MAX_STATEMENT_BYTES: u64 = 256 << 20;
/// The largest comment read: GitHub's 65,536 characters are at most 256 KiB.
const MAX_COMMENT_BYTES: u64 = 1 << 20;
/// The largest signature file read: an armored RSA-16384 signature is under 4 KiB.
const MAX_SIGNATURE_BYTES: u64 = 64 << 10;
/// How much of the repository's history is read looking for one statement: past it, the
/// statement counts as not found.
const MAX_HISTORY_BYTES: u64 = 1 << 30;

/// The `results.csv` that goes with a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultsCsv {
    /// Beside the statement, at this path: hashed in pieces while the statement is checked,
    /// never held whole.
    Beside(PathBuf),
    /// Expected beside the statement but there is no folder to look in: the check cannot
    /// run, so it fails.
    Missing(String),
    /// The sign-off came as a comment, which does not carry the CSV.
    NotCarried,
}

/// A sign-off whose statement has been read (see [`super::envelope::open`]), before any
/// check.
#[derive(Debug)]
pub struct Found {
    /// What the user named.
    pub origin: PathBuf,
    pub statement: Vec<u8>,
    pub signature: String,
    pub results_csv: ResultsCsv,
    /// The whole comment (line ends made LF) and how it carries the statement, when the
    /// sign-off came as (or with) one; for a folder whose `signoff.md` is missing or is not
    /// a sign-off comment, why.
    pub comment: Option<Result<(String, Carried), String>>,
    /// The sign-off folder, whose `evidence/` holds the files the statement names and whose
    /// `report.html` the statement signs.
    pub folder: Option<PathBuf>,
    /// Whether the statement's bytes came inside a comment (plain or compressed), rather
    /// than from a file the comment's hash or a path named: a comment whose statement does
    /// not match its signature is an edited or forged comment, which anyone can post and
    /// which removes nothing, while a file that does not match may be a veto tampered with.
    pub inside_comment: bool,
}

/// Where a sign-off's statement is, before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Carrier {
    /// A file beside the signature.
    File(PathBuf),
    /// The JSON itself, from a comment.
    Inline(Vec<u8>),
    /// gzip + base64, from a comment.
    Gzip(String),
    /// Only its sha256, from a comment too large to carry it.
    ByHash(String),
}

/// A sign-off as found, its statement not yet read.
#[derive(Debug)]
pub struct Envelope {
    /// What the user named.
    pub origin: PathBuf,
    /// The armored SSHSIG signature, as found.
    pub signature: String,
    pub carrier: Carrier,
    pub results_csv: ResultsCsv,
    /// The whole comment (line ends made LF) and how it carries the statement, when the
    /// sign-off came as (or with) one; why not, when a folder's `signoff.md` is missing or
    /// is not one.
    pub comment: Option<Result<(String, Carried), String>>,
    /// The sign-off folder, whose `evidence/` holds the files the statement names.
    pub folder: Option<PathBuf>,
}

/// Why a path holds no sign-off to check.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    /// It could not be read: an environment problem.
    #[error(transparent)]
    Unreadable(#[from] anyhow::Error),
    /// It was read and is not a sign-off: what `verify` reports as not good.
    #[error("{0}")]
    NotASignoff(String),
    /// A comment that holds more or fewer than one statement and one signature: refused,
    /// with the blocks found, so that a trusted rejection among them still vetoes.
    #[error("{why}")]
    Malformed { why: String, blocks: Vec<Envelope> },
}

/// Reads a sign-off folder, a `signoff.json` with its `.sig` beside it, or a comment: the
/// signature, and where the statement is. Only regular files of a bounded size are read,
/// never through a symbolic link: a FIFO, a device or a link to the runner's files named
/// as a sign-off is refused, never waited on or followed.
pub fn find(path: &Path) -> Result<Envelope, FindError> {
    let read = |p: &Path, limit: u64| {
        read_file_not_linked(p, limit).with_context(|| format!("cannot read {}", p.display()))
    };
    let signature_of = |p: &Path| -> Result<String, FindError> {
        String::from_utf8(read(p, MAX_SIGNATURE_BYTES)?)
            .map_err(|_| FindError::NotASignoff(format!("{} is not text", p.display())))
    };
    let linked = std::fs::symlink_metadata(path.components().as_path())
        .is_ok_and(|meta| meta.file_type().is_symlink());
    if linked {
        return Err(FindError::Unreadable(anyhow::anyhow!(
            "{} is a symbolic link; a sign-off is read only from what it names itself",
            path.display()
        )));
    }
    if path.is_dir() {
        // The folder's comment is checked too: it is what a reviewer reads.
        let markdown = path.join("signoff.md");
        let comment = read_file_not_linked(&markdown, MAX_COMMENT_BYTES)
            .map_err(|err| format!("cannot read {}: {err}", markdown.display()))
            .and_then(|bytes| {
                let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
                match comment::parse(&text) {
                    Ok(parts) => Ok((text, parts.carried)),
                    Err(err) => Err(format!(
                        "{} is not its sign-off comment: {err}",
                        markdown.display()
                    )),
                }
            });
        return Ok(Envelope {
            origin: path.to_path_buf(),
            signature: signature_of(&path.join("signoff.json.sig"))?,
            carrier: Carrier::File(path.join("signoff.json")),
            results_csv: ResultsCsv::Beside(path.join("results.csv")),
            comment: Some(comment),
            folder: Some(path.to_path_buf()),
        });
    }
    if path.extension().is_some_and(|ext| ext == "json") {
        let mut sig = path.as_os_str().to_owned();
        sig.push(".sig");
        let folder = path.parent().map(Path::to_path_buf);
        return Ok(Envelope {
            origin: path.to_path_buf(),
            signature: signature_of(Path::new(&sig))?,
            carrier: Carrier::File(path.to_path_buf()),
            results_csv: match &folder {
                Some(dir) => ResultsCsv::Beside(dir.join("results.csv")),
                None => ResultsCsv::Missing("the statement has no folder".into()),
            },
            comment: None,
            folder,
        });
    }
    let bytes = read(path, MAX_COMMENT_BYTES)?;
    let text =
        String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))?;
    let comment_envelope = |signature: String, carrier: Carrier, comment| Envelope {
        origin: path.to_path_buf(),
        signature,
        carrier,
        results_csv: ResultsCsv::NotCarried,
        comment,
        folder: None,
    };
    let parts = comment::parse(&text).map_err(|err| match err {
        CommentError::Malformed { why, pairs } => FindError::Malformed {
            why: format!("{}: the comment is malformed: {why}", path.display()),
            blocks: pairs
                .into_iter()
                .map(|(held, signature)| {
                    let carrier = match held {
                        Held::Json(bytes) => Carrier::Inline(bytes),
                        Held::Gzip(base64) => Carrier::Gzip(base64),
                    };
                    comment_envelope(signature, carrier, None)
                })
                .collect(),
        },
        CommentError::NotASignoff => FindError::NotASignoff(format!("{}: {err}", path.display())),
    })?;
    let carrier = match &parts.carried {
        Carried::Plain => Carrier::Inline(parts.statement),
        Carried::Gzip(base64) => Carrier::Gzip(base64.clone()),
        Carried::ByHash(sha256) => Carrier::ByHash(sha256.clone()),
    };
    let normalised = text.replace("\r\n", "\n");
    Ok(comment_envelope(
        parts.signature,
        carrier,
        Some(Ok((normalised, parts.carried))),
    ))
}

/// What opening an envelope came to.
#[derive(Debug)]
pub enum Opened {
    /// Signed by a listed key, its statement read: ready to verify.
    Read(Found),
    /// The signature cannot be read, or is not a sign-off's: there is no key to trust.
    NotSigned(String),
    /// Signed by a key no line of the allowed signers lists for sign-offs now: nothing else
    /// was read.
    Unlisted { key: String, why: Refusal },
    /// Signed by a listed key, but its statement cannot be found or read: such a sign-off
    /// cannot be checked, and the gate closes on it.
    Unreadable { key: String, why: String },
    /// A comment whose own compressed statement does not inflate: the comment is broken or
    /// forged (anyone can post one, and it removes no veto), so it does not count.
    Broken(String),
}

impl Opened {
    /// Why a sign-off whose statement was not read does not count, in words; `None` for
    /// one that was read.
    pub fn refusal(&self) -> Option<String> {
        match self {
            Opened::Read(_) => None,
            Opened::NotSigned(why) => Some(one_line(why).into_owned()),
            Opened::Unlisted { key, why } => Some(format!(
                "the signer is not trusted: key {key}: {}, so nothing else about it was read",
                match why {
                    Refusal::NotListed => "it is not listed in the allowed-signers file".into(),
                    other => other.to_string(),
                }
            )),
            Opened::Unreadable { key, why } => Some(format!(
                "signed by {key}, a key the allowed signers list, but {}",
                one_line(why)
            )),
            Opened::Broken(why) => Some(format!(
                "the comment is broken or forged: {}",
                one_line(why)
            )),
        }
    }
}

/// Who may sign, at what time: what opening needs of the trust.
pub struct Listing<'a> {
    pub allowed_signers: &'a AllowedSigners,
    pub now: DateTime<Utc>,
}

/// Reads the signature, looks its key up, and only then reads the statement: from its
/// file, inflated, or by its hash in `library`.
pub fn open(envelope: Envelope, listing: &Listing<'_>, library: &Library) -> Opened {
    let signature = match SshSig::from_pem(envelope.signature.trim()) {
        Ok(signature) => signature,
        Err(err) => {
            return Opened::NotSigned(format!(
                "the signature is not an armored SSH signature ({err})"
            ));
        }
    };
    if signature.namespace() != NAMESPACE {
        return Opened::NotSigned(format!(
            "the signature is for namespace `{}`, not `{NAMESPACE}`",
            one_line(signature.namespace())
        ));
    }
    let key = ssh_key::PublicKey::from(signature.public_key().clone());
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    if let Err(why) = listing
        .allowed_signers
        .lists_key(key.key_data(), NAMESPACE, listing.now)
    {
        return Opened::Unlisted {
            key: fingerprint,
            why,
        };
    }
    let unreadable = |why: String| Opened::Unreadable {
        key: fingerprint.clone(),
        why,
    };
    let inside_comment = matches!(envelope.carrier, Carrier::Inline(_) | Carrier::Gzip(_));
    let (statement, folder, results_csv) = match &envelope.carrier {
        Carrier::File(path) => match read_file_not_linked(path, MAX_STATEMENT_BYTES) {
            Ok(bytes) => (bytes, envelope.folder, envelope.results_csv),
            Err(err) => return unreadable(format!("cannot read {}: {err}", path.display())),
        },
        Carrier::Inline(bytes) => (bytes.clone(), envelope.folder, envelope.results_csv),
        Carrier::Gzip(base64) => match comment::inflate(base64) {
            Ok(bytes) => (bytes, envelope.folder, envelope.results_csv),
            Err(why) => return Opened::Broken(why),
        },
        Carrier::ByHash(sha256) => match library.find(sha256) {
            Ok(Located::Folder(folder, bytes)) => {
                let csv = ResultsCsv::Beside(folder.join("results.csv"));
                (bytes, Some(folder), csv)
            }
            Ok(Located::History(bytes)) => (bytes, None, ResultsCsv::NotCarried),
            Err(why) => return unreadable(why),
        },
    };
    Opened::Read(Found {
        origin: envelope.origin,
        statement,
        signature: envelope.signature,
        results_csv,
        comment: envelope.comment,
        folder,
        inside_comment,
    })
}

/// Where a statement carried by its hash was found.
pub enum Located {
    /// In a committed sign-off folder.
    Folder(PathBuf, Vec<u8>),
    /// Only in the repository's history (the folder was deleted since).
    History(Vec<u8>),
}

/// Folders of committed sign-offs (`.greenlight/signoffs/`), and the repository whose
/// history holds the ones deleted since, where a statement too large for its comment is
/// found by its sha256. Each folder's statement is hashed once per process, however many
/// comments ask.
#[derive(Debug, Default)]
pub struct Library {
    folders: Vec<PathBuf>,
    repository: Option<PathBuf>,
    by_hash: OnceLock<HashMap<String, PathBuf>>,
    in_history: OnceLock<Result<HashMap<String, String>, String>>,
}

impl Library {
    /// A library of `folders`, searching the history of `repository` too when given.
    pub fn new(folders: Vec<PathBuf>, repository: Option<PathBuf>) -> Library {
        Library {
            folders,
            repository,
            ..Library::default()
        }
    }

    /// The statement with this sha256, and where it was found; or why it was not.
    pub fn find(&self, sha256: &str) -> Result<Located, String> {
        if let Some(folder) = self.by_hash.get_or_init(|| self.index()).get(sha256) {
            let bytes = read_file_not_linked(&folder.join("signoff.json"), MAX_STATEMENT_BYTES)
                .map_err(|err| format!("cannot read {}: {err}", folder.display()))?;
            if sha256_hex(&bytes) == sha256 {
                return Ok(Located::Folder(folder.clone(), bytes));
            }
        }
        let searched = self
            .folders
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let not_found = format!(
            "its statement (sha256 {sha256}) is in no sign-off folder under {searched}{}; \
             commit the folder under {}/ (or pass --signoffs DIR)",
            if self.repository.is_some() {
                " nor anywhere in the repository's history"
            } else {
                ""
            },
            comment::SIGNOFFS_FOLDER
        );
        let Some(repository) = &self.repository else {
            return Err(not_found);
        };
        let history = self.in_history.get_or_init(|| {
            crate::git::History::new(repository)
                .signoff_statements(comment::SIGNOFFS_FOLDER, MAX_HISTORY_BYTES)
        });
        let blobs = history
            .as_ref()
            .map_err(|why| format!("{not_found} (the history could not be searched: {why})"))?;
        let Some(blob) = blobs.get(sha256) else {
            return Err(not_found);
        };
        // The bytes are hashed again as read: what is found is what the hash names.
        let bytes = crate::git::History::new(repository).blob(blob, MAX_STATEMENT_BYTES)?;
        if crate::fsutil::sha256_hex(&bytes) != *sha256 {
            return Err(format!(
                "the statement git holds as {blob} no longer has sha256 {sha256}"
            ));
        }
        Ok(Located::History(bytes))
    }

    /// Every sign-off folder's statement by its sha256, read in pieces and never through a
    /// symbolic link.
    fn index(&self) -> HashMap<String, PathBuf> {
        let mut index = HashMap::new();
        for folder in &self.folders {
            if !std::fs::symlink_metadata(folder).is_ok_and(|meta| meta.is_dir()) {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(folder) else {
                continue;
            };
            let mut folders: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
                .map(|entry| entry.path())
                .collect();
            folders.sort();
            for signoff in folders {
                let json = signoff.join("signoff.json");
                if let Ok(sha256) = sha256_of_file_not_linked(&json, MAX_STATEMENT_BYTES) {
                    index.entry(sha256).or_insert(signoff);
                }
            }
        }
        index
    }
}
