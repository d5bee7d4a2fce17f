//! Where runs live: one folder per run under greenlight's data directory.
//!
//! A run folder holds `run.json` (who, what, which commit), `checklist.yaml` (the exact bytes
//! the run was started from) and the journal. A new run is assembled in a hidden folder and
//! renamed into place, so a crash during `start` never leaves a half-made run.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::checklist::Share;
use crate::fsutil::flush_folder_to_disk;
use crate::fsutil::write_atomically;

/// The run's description, written once at start and never changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunMeta {
    pub id: String,
    pub release: String,
    /// The git commit under test, when known.
    pub commit: Option<String>,
    /// The repository's remote URL, when there is one.
    pub repository: Option<String>,
    /// `Name <email>`.
    pub tester: String,
    pub checklist: ChecklistRef,
    /// The share of the matrix this run covers; absent for all of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Share>,
    /// UTC, RFC 3339.
    pub started_at: String,
    /// `greenlight X.Y.Z`, the tool that started the run.
    pub tool: String,
}

/// Which checklist a run follows; the bytes themselves are copied into the run folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistRef {
    pub id: String,
    pub title: String,
    pub version: Option<String>,
    /// The file's path from the top of the repository under test, `/` between folders;
    /// as given when the run was started outside any repository.
    pub path: String,
    pub sha256: String,
}

/// The folder that holds every run, with the operations on it.
#[derive(Debug, Clone)]
pub struct RunStore {
    root: PathBuf,
}

/// File names inside a run folder.
pub const META_FILE: &str = "run.json";
/// The copy of the checklist a run follows.
pub const CHECKLIST_FILE: &str = "checklist.yaml";

impl RunStore {
    /// The store under `home` (`--home`, `GREENLIGHT_HOME` or the platform's data folder).
    pub fn new(home: &Path) -> RunStore {
        RunStore {
            root: home.join("runs"),
        }
    }

    /// The folder of run `id`.
    pub fn dir(&self, id: &str) -> PathBuf {
        self.root.join(id)
    }

    /// Creates a run folder holding `meta` and the checklist bytes; returns its id.
    /// `meta.id` is replaced by the id actually given, unique even for two starts in a second.
    pub fn create(
        &self,
        mut meta: RunMeta,
        checklist_bytes: &[u8],
        now: DateTime<Utc>,
    ) -> Result<RunMeta> {
        std::fs::create_dir_all(&self.root)
            .with_context(|| format!("cannot create the runs folder {}", self.root.display()))?;
        let staging = tempfile::Builder::new()
            .prefix(".new-")
            .tempdir_in(&self.root)
            .with_context(|| format!("cannot create a folder in {}", self.root.display()))?;
        let base = now.format("%y%m%d-%H%M%S").to_string();
        write_atomically(&staging.path().join(CHECKLIST_FILE), checklist_bytes)?;
        for attempt in 1..100 {
            let id = if attempt == 1 {
                base.clone()
            } else {
                // Zero-padded so that ids keep sorting by time as text.
                format!("{base}-{attempt:02}")
            };
            if self.dir(&id).exists() {
                continue;
            }
            meta.id = id.clone();
            let json = serde_json::to_vec_pretty(&meta).context("cannot encode run.json")?;
            write_atomically(&staging.path().join(META_FILE), &json)?;
            match std::fs::rename(staging.path(), self.dir(&id)) {
                Ok(()) => {
                    // The folder now lives under its id; nothing is left to clean up.
                    let _ = staging.keep();
                    flush_folder_to_disk(&self.root)
                        .with_context(|| format!("cannot flush folder {}", self.root.display()))?;
                    return Ok(meta);
                }
                // Another process took this id between the check and the rename.
                Err(err)
                    if matches!(
                        err.kind(),
                        std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::DirectoryNotEmpty
                    ) => {}
                Err(err) => {
                    return Err(err).with_context(|| {
                        format!("cannot create run folder {}", self.dir(&id).display())
                    });
                }
            }
        }
        bail!("cannot find a free run id for {base}")
    }

    /// Every run's id, oldest first (ids are times, so text order is time order). Hidden and half-made folders are skipped.
    pub fn ids(&self) -> Result<Vec<String>> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => {
                return Err(err).with_context(|| format!("cannot list {}", self.root.display()));
            }
        };
        let mut ids: Vec<String> = entries
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| !name.starts_with('.') && self.dir(name).join(META_FILE).is_file())
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// Resolves what the user typed: a full id, a unique prefix, or nothing for the newest run.
    pub fn resolve(&self, wanted: Option<&str>) -> Result<String> {
        let ids = self.ids()?;
        let Some(wanted) = wanted else {
            return ids.last().cloned().with_context(|| {
                format!(
                    "there are no runs in {} yet; start one with `greenlight start FILE --release LABEL`",
                    self.root.display()
                )
            });
        };
        if ids.iter().any(|id| id == wanted) {
            return Ok(wanted.to_string());
        }
        let matches: Vec<&String> = ids.iter().filter(|id| id.starts_with(wanted)).collect();
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => bail!(
                "no run `{wanted}` in {}; `greenlight runs` lists them",
                self.root.display()
            ),
            many => bail!(
                "`{wanted}` matches {} runs ({}); type more of the id",
                many.len(),
                many.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Reads a run's description.
    pub fn meta(&self, id: &str) -> Result<RunMeta> {
        let path = self.dir(id).join(META_FILE);
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_slice(&bytes).with_context(|| format!("{} is damaged", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(ids: &[&str]) -> (tempfile::TempDir, RunStore) {
        let home = tempfile::tempdir().unwrap();
        let store = RunStore::new(home.path());
        for id in ids {
            std::fs::create_dir_all(store.dir(id)).unwrap();
            std::fs::write(store.dir(id).join(META_FILE), "{}").unwrap();
        }
        std::fs::create_dir_all(store.dir(".new-half-made")).unwrap();
        std::fs::create_dir_all(store.dir("261127-000000")).unwrap();
        (home, store)
    }

    #[test]
    fn resolves_ids_prefixes_and_the_newest() {
        let (_home, store) = store_with(&["261125-130501", "261125-130502", "261126-090000"]);
        assert_eq!(
            store.ids().unwrap(),
            ["261125-130501", "261125-130502", "261126-090000"]
        );
        assert_eq!(store.resolve(None).unwrap(), "261126-090000");
        assert_eq!(store.resolve(Some("261126")).unwrap(), "261126-090000");
        assert_eq!(
            store.resolve(Some("261125-130502")).unwrap(),
            "261125-130502"
        );
        let err = store.resolve(Some("261125")).unwrap_err().to_string();
        assert!(err.contains("matches 2 runs"), "{err}");
        assert!(
            store.resolve(Some("261127")).is_err(),
            "a folder without run.json is no run"
        );
    }
}
