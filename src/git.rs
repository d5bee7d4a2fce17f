//! The few facts greenlight asks git for. git missing or failing means "unknown", never an
//! error: a run can be recorded outside a repository.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where sign-off folders are committed (a statement too large for a comment). They are
/// the testers' record, never what was tested: a snapshot leaves them out, so committing
/// one changes no content key and no tested tree.
pub const SIGNOFFS_FOLDER: &str = ".greenlight/signoffs";

fn git(args: &[&str]) -> Option<String> {
    git_in(None, args)
}

/// Runs git in `dir` (or the current folder); its trimmed output when it succeeds.
fn git_in(dir: Option<&Path>, args: &[&str]) -> Option<String> {
    let mut command = Command::new("git");
    if let Some(dir) = dir {
        command.arg("-C").arg(dir);
    }
    let output = command.args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A value from git's configuration, such as `user.email`.
pub fn config_value(key: &str) -> Option<String> {
    git(&["config", "--get", key])
}

/// The commit checked out in the repository at `root`.
pub fn head_commit(root: &Path) -> Option<String> {
    git_in(Some(root), &["rev-parse", "--verify", "--quiet", "HEAD"])
}

/// The URL of the `origin` remote of the repository at `root`, or of its first remote,
/// without any user name or token in it (it goes into exports and pull-request comments).
pub fn remote_url(root: &Path) -> Option<String> {
    let git = |args: &[&str]| git_in(Some(root), args);
    git(&["remote", "get-url", "origin"])
        .or_else(|| {
            let remotes = git(&["remote"])?;
            let first = remotes.lines().next()?;
            git(&["remote", "get-url", first])
        })
        .map(|url| without_credentials(&url))
}

/// The history questions a carried result depends on (DESIGN.md §7), answered by git in the
/// repository at `root`. Unlike the facts above, these fail loudly: a carry that cannot be
/// checked must not be assumed.
#[derive(Debug, Clone)]
pub struct History {
    root: PathBuf,
}

impl History {
    /// Questions about the repository at `root`.
    pub fn new(root: &Path) -> History {
        History {
            root: root.to_path_buf(),
        }
    }

    /// The repository's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Runs git with `args`; its stdout, or an error with git's own message.
    fn run(&self, args: &[&str]) -> Result<Vec<u8>, String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(args)
            .output()
            .map_err(|err| format!("cannot run git: {err}; install git"))?;
        if output.status.success() {
            return Ok(output.stdout);
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let why = stderr.lines().next().unwrap_or("").trim();
        Err(format!("git {} failed: {why}", args.join(" ")))
    }

    /// Every sign-off statement (`signoff.json` under `folder`) committed anywhere in the
    /// repository's history (every ref,
    /// and `FETCH_HEAD`, where CI fetches a pull request), by the sha256 of its bytes: the
    /// git object id of each. A folder deleted since it was committed is still found here.
    /// No more than `budget` bytes are read in all; past that, an error.
    pub fn signoff_statements(
        &self,
        folder: &str,
        budget: u64,
    ) -> Result<HashMap<String, String>, String> {
        let mut args = vec!["rev-list", "--all", "--objects"];
        let fetched = self
            .run(&["rev-parse", "--verify", "--quiet", "FETCH_HEAD^{commit}"])
            .is_ok();
        if fetched {
            args.push("FETCH_HEAD");
        }
        args.extend(["--", folder]);
        let listing = self.run(&args)?;
        let listing = String::from_utf8_lossy(&listing);
        let mut blobs: Vec<&str> = listing
            .lines()
            .filter_map(|line| {
                let (id, path) = line.split_once(' ')?;
                let inside = path.strip_prefix(folder)?.starts_with('/');
                (inside && path.ends_with("/signoff.json")).then_some(id)
            })
            .collect();
        blobs.sort_unstable();
        blobs.dedup();
        self.hash_blobs(&blobs, budget)
    }

    /// The sha256 of each blob in `ids`, read through one `git cat-file --batch`, in pieces.
    fn hash_blobs(&self, ids: &[&str], budget: u64) -> Result<HashMap<String, String>, String> {
        let mut hashes = HashMap::new();
        self.each_blob(ids, budget, |id, bytes| {
            hashes.insert(crate::fsutil::sha256_hex(bytes), id.to_string());
        })
        .map_err(|spent| {
            spent.unwrap_or_else(|| {
                format!(
                    "the sign-offs in the repository's history hold more than {} MB",
                    budget >> 20
                )
            })
        })?;
        Ok(hashes)
    }

    /// Reads each blob of `ids` through one `git cat-file --batch` and hands its bytes to
    /// `each`, one at a time; objects that are missing or not blobs are passed over. No more
    /// than `budget` bytes are read in all: past that, `Err(None)`; any other failure is
    /// `Err(Some(why))`.
    fn each_blob(
        &self,
        ids: &[&str],
        budget: u64,
        mut each: impl FnMut(&str, &[u8]),
    ) -> Result<(), Option<String>> {
        use std::io::{BufRead, Read, Write};
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["cat-file", "--batch"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|err| Some(format!("cannot run git: {err}; install git")))?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| Some("cannot write to git".to_string()))?;
        let request: String = ids.iter().map(|id| format!("{id}\n")).collect();
        let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Some("cannot read from git".to_string()))?;
        let mut out = std::io::BufReader::new(stdout);
        let mut spent: u64 = 0;
        let result = (|| {
            for _ in ids {
                let mut header = String::new();
                out.read_line(&mut header)
                    .map_err(|err| Some(err.to_string()))?;
                let fields: Vec<&str> = header.split_whitespace().collect();
                // `ID missing` has no content; any other object's content is read past,
                // so the next header is read where it starts.
                let [id, kind, size] = fields[..] else {
                    continue;
                };
                let size: u64 = size
                    .parse()
                    .map_err(|_| Some("git cat-file misread".to_string()))?;
                spent = spent.saturating_add(size);
                if spent > budget {
                    return Err(None);
                }
                let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
                (&mut out)
                    .take(size)
                    .read_to_end(&mut bytes)
                    .map_err(|err| Some(err.to_string()))?;
                if bytes.len() as u64 != size {
                    return Err(Some("git cat-file stopped early".to_string()));
                }
                let mut newline = [0u8; 1];
                out.read_exact(&mut newline)
                    .map_err(|err| Some(err.to_string()))?;
                if kind == "blob" {
                    each(id, &bytes);
                }
            }
            Ok(())
        })();
        let _ = child.kill();
        let _ = child.wait();
        let _ = writer.join();
        result
    }

    /// The full object name of the commit `given` names (a full id, an abbreviation, a
    /// branch or tag), or why there is none: a commit is never signed or trusted by an
    /// abbreviation (DESIGN.md §7).
    pub fn resolve_commit(&self, given: &str) -> Result<String, String> {
        if given.starts_with('-') || given.trim().is_empty() {
            return Err(format!("`{given}` is not a commit"));
        }
        let out = self
            .run(&[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{given}^{{commit}}"),
            ])
            .map_err(|_| {
                format!(
                    "`{given}` is not a commit in this repository (fetch it, or give its full id)"
                )
            })?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// Every entry of `commit`'s tree, as git stores it (`git ls-tree -r`: files, symbolic
    /// links and submodule commits, never the working tree), with the target of each
    /// symbolic link.
    pub fn snapshot(&self, commit: &str) -> Result<Snapshot, String> {
        let commit = self.resolve_commit(commit)?;
        let listing = self.run(&["ls-tree", "-r", "-z", "--full-tree", &commit])?;
        let mut entries = Vec::new();
        let mut signoff_entries = Vec::new();
        let signoffs = format!("{SIGNOFFS_FOLDER}/");
        for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            let record = String::from_utf8_lossy(record);
            let Some((meta, path)) = record.split_once('\t') else {
                return Err(format!("git ls-tree gave `{record}`"));
            };
            let mut fields = meta.split(' ');
            let (Some(mode), Some(_kind), Some(id)) = (fields.next(), fields.next(), fields.next())
            else {
                return Err(format!("git ls-tree gave `{record}`"));
            };
            let entry = TreeEntry {
                mode: mode.to_string(),
                id: id.to_string(),
                path: path.to_string(),
            };
            if path.starts_with(&signoffs) {
                signoff_entries.push(entry);
            } else {
                entries.push(entry);
            }
        }
        // Sign-off folders are left out only when they hold nothing but what greenlight
        // writes: anything else there (code, a link, a submodule) is content like any other.
        let tree = if signoff_entries.iter().all(is_signoff_file) {
            self.tested_tree(&commit)?
        } else {
            entries.append(&mut signoff_entries);
            entries.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
            let own = self.run(&["rev-parse", "--verify", &format!("{commit}^{{tree}}")])?;
            String::from_utf8_lossy(&own).trim().to_string()
        };
        let links: Vec<&str> = entries
            .iter()
            .filter(|e| e.is_symlink())
            .map(|e| e.id.as_str())
            .collect();
        let mut targets = HashMap::new();
        self.each_blob(&links, MAX_LINK_TARGETS_BYTES, |id, bytes| {
            targets.insert(id.to_string(), String::from_utf8_lossy(bytes).into_owned());
        })
        .map_err(|why| {
            why.unwrap_or_else(|| {
                format!(
                    "the symbolic links of commit {} hold more than {} MB of targets",
                    short_commit(&commit),
                    MAX_LINK_TARGETS_BYTES >> 20
                )
            })
        })?;
        let link_targets = entries
            .iter()
            .filter(|e| e.is_symlink())
            .filter_map(|e| Some((e.path.clone(), targets.get(&e.id)?.clone())))
            .collect();
        Ok(Snapshot {
            commit,
            tree,
            entries,
            link_targets,
        })
    }

    /// The id of the tree `commit` would have without [`SIGNOFFS_FOLDER`]: its own tree
    /// when it has no sign-off folders, else the tree git would write for it with them
    /// removed (hashed, never written). A sign-off committed after testing leaves the tested
    /// tree as it was, so `git rev-parse TESTED^{tree}` still names it.
    fn tested_tree(&self, commit: &str) -> Result<String, String> {
        let own = self.run(&["rev-parse", "--verify", &format!("{commit}^{{tree}}")])?;
        let own = String::from_utf8_lossy(&own).trim().to_string();
        let mut levels: Vec<&str> = SIGNOFFS_FOLDER.split('/').collect();
        let Some(last) = levels.pop() else {
            return Ok(own);
        };
        // The trees from the root down to the sign-offs' parent, each as its entries.
        let mut chain: Vec<Vec<RawEntry>> = vec![self.tree_entries(&own)?];
        for level in &levels {
            let Some(below) = chain.last().and_then(|entries| {
                entries
                    .iter()
                    .find(|e| e.name == *level && e.mode == "40000")
            }) else {
                return Ok(own);
            };
            let id = below.id.clone();
            chain.push(self.tree_entries(&id)?);
        }
        let Some(parent) = chain.last_mut() else {
            return Ok(own);
        };
        let before = parent.len();
        parent.retain(|e| e.name != last || e.mode != "40000");
        if parent.len() == before {
            return Ok(own);
        }
        // Rehash upwards: a tree left empty disappears from its parent, as in git.
        let mut child: Option<String> = None;
        for (depth, entries) in chain.iter_mut().enumerate().rev() {
            if let (Some(id), Some(&name)) = (child.take(), levels.get(depth)) {
                if id.is_empty() {
                    entries.retain(|e| e.name != name);
                } else if let Some(entry) = entries.iter_mut().find(|e| e.name == name) {
                    entry.id = id;
                }
            }
            child = Some(if entries.is_empty() && depth > 0 {
                String::new()
            } else {
                self.hash_tree(entries)?
            });
        }
        Ok(child.unwrap_or(own))
    }

    /// The entries of tree `id`, one level, in git's order.
    fn tree_entries(&self, id: &str) -> Result<Vec<RawEntry>, String> {
        let bytes = self.run(&["cat-file", "tree", id])?;
        let mut entries = Vec::new();
        let mut rest = bytes.as_slice();
        let id_len = if id.len() == 64 { 32 } else { 20 };
        while !rest.is_empty() {
            let bad = || format!("git gave a tree {id} it cannot read");
            let space = rest.iter().position(|&b| b == b' ').ok_or_else(bad)?;
            let nul = rest.iter().position(|&b| b == 0).ok_or_else(bad)?;
            if nul < space || rest.len() < nul + 1 + id_len {
                return Err(bad());
            }
            let raw = &rest[nul + 1..nul + 1 + id_len];
            entries.push(RawEntry {
                mode: String::from_utf8_lossy(&rest[..space]).into_owned(),
                name: String::from_utf8_lossy(&rest[space + 1..nul]).into_owned(),
                name_bytes: rest[space + 1..nul].to_vec(),
                id: raw.iter().map(|b| format!("{b:02x}")).collect(),
            });
            rest = &rest[nul + 1 + id_len..];
        }
        Ok(entries)
    }

    /// The id git gives a tree of `entries` (`git hash-object -t tree`, nothing written).
    fn hash_tree(&self, entries: &[RawEntry]) -> Result<String, String> {
        let mut body = Vec::new();
        for entry in entries {
            body.extend_from_slice(entry.mode.as_bytes());
            body.push(b' ');
            body.extend_from_slice(&entry.name_bytes);
            body.push(0);
            for pair in entry.id.as_bytes().chunks(2) {
                let hex = std::str::from_utf8(pair).map_err(|_| "a tree id is not hex")?;
                body.push(u8::from_str_radix(hex, 16).map_err(|_| "a tree id is not hex")?);
            }
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["hash-object", "-t", "tree", "--literally", "--stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot run git: {err}; install git"))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(&body)
                .map_err(|err| format!("git hash-object: {err}"))?;
        }
        let output = child
            .wait_with_output()
            .map_err(|err| format!("git hash-object: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "git hash-object failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    }

    /// The bytes of the blob `id`, at most `limit` of them.
    pub fn blob(&self, id: &str, limit: u64) -> Result<Vec<u8>, String> {
        if !is_object_name(id) {
            return Err(format!("`{id}` is not an object name"));
        }
        let size: u64 = String::from_utf8_lossy(&self.run(&["cat-file", "-s", id])?)
            .trim()
            .parse()
            .map_err(|_| "git cat-file -s misread".to_string())?;
        if size > limit {
            return Err(format!("object {id} is larger than {limit} bytes"));
        }
        self.run(&["cat-file", "blob", id])
    }

    /// Every file git tracks at HEAD, for checking that an item's globs name something.
    pub fn tracked_files(&self) -> Result<Vec<String>, String> {
        Ok(nul_separated(&self.run(&["ls-files", "-z"])?))
    }
}

/// The most bytes of symbolic-link targets a snapshot reads.
const MAX_LINK_TARGETS_BYTES: u64 = 16 << 20;

/// One entry of a commit's tree, as `git ls-tree -r` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    /// `100644`, `100755`, `120000` (a symbolic link) or `160000` (a submodule's commit).
    pub mode: String,
    /// The blob's or the submodule commit's object name.
    pub id: String,
    /// From the repository root, `/`-separated.
    pub path: String,
}

impl TreeEntry {
    /// Whether this is a symbolic link.
    pub fn is_symlink(&self) -> bool {
        self.mode == "120000"
    }

    /// Whether this is a submodule's commit (a gitlink).
    pub fn is_gitlink(&self) -> bool {
        self.mode == "160000"
    }
}

/// Whether `entry` (under [`SIGNOFFS_FOLDER`]) is a file greenlight writes into a sign-off
/// folder: `NAME/signoff.json`, `.sig`, `results.csv`, `signoff.md`, `report.html`, or
/// `NAME/evidence/SHA256.EXT` — a regular file, never a link, a submodule or a program.
fn is_signoff_file(entry: &TreeEntry) -> bool {
    const FILES: [&str; 5] = [
        "signoff.json",
        "signoff.json.sig",
        "results.csv",
        "signoff.md",
        "report.html",
    ];
    let Some(rest) = entry
        .path
        .strip_prefix(SIGNOFFS_FOLDER)
        .and_then(|r| r.strip_prefix('/'))
    else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let evidence = |name: &str| {
        let (hash, extension) = name.split_once('.').unwrap_or((name, ""));
        hash.len() == 64
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
            && extension.len() <= 8
            && extension.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    let named = match parts.as_slice() {
        [folder, file] => !folder.is_empty() && FILES.contains(file),
        [folder, "evidence", file] => !folder.is_empty() && evidence(file),
        _ => false,
    };
    named && entry.mode == "100644"
}

/// One entry of a tree object, as git writes it.
#[derive(Debug, Clone)]
struct RawEntry {
    /// Octal, as in the object (`40000` for a tree, `100644` for a file).
    mode: String,
    name: String,
    name_bytes: Vec<u8>,
    id: String,
}

/// A commit's whole tree: what content keys are computed from.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The commit's full object name.
    pub commit: String,
    /// Its tested tree's object name: its tree, sign-off folders aside
    /// ([`History::tested_tree`]).
    pub tree: String,
    /// Every entry, in git's order.
    pub entries: Vec<TreeEntry>,
    /// Each symbolic link's target as written in it, by the link's path.
    pub link_targets: HashMap<String, String>,
}

/// Names from git's `-z` output.
fn nul_separated(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect()
}

/// Whether `text` reads as a commit's object name: 7 to 64 hex digits.
pub fn is_object_name(text: &str) -> bool {
    (7..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The commit `given` names: resolved to its full object name in the repository at `root`
/// when git knows it there, else taken as written only when it is a full object name (40
/// or 64 hex digits) — an abbreviation git cannot resolve names nothing certain, and a
/// commit made to share its prefix could take its place (DESIGN.md §7).
pub fn commit_id(given: &str, root: Option<&Path>) -> Option<String> {
    let given = given.trim();
    if let Some(root) = root
        && !given.starts_with('-')
        && let Some(full) = git_in(
            Some(root),
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{given}^{{commit}}"),
            ],
        )
    {
        return Some(full);
    }
    is_full_object_name(given).then(|| given.to_ascii_lowercase())
}

/// Whether `text` is a full object name: 40 (SHA-1) or 64 (SHA-256) hex digits.
pub fn is_full_object_name(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The first 12 characters of a commit id, as people quote them.
pub fn short_commit(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// `https://user:token@host/x?access_token=…` as `https://host/x`: credentials, query and
/// fragment removed, since a URL recorded in a run travels in its sign-off; other forms
/// (`git@host:x`) unchanged.
pub fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => format!("{scheme}://{rest}"),
    }
}

/// The remote's default branch as this clone knows it (`origin/HEAD`, such as
/// `origin/main`), when it knows one.
pub fn default_branch(root: &Path) -> Option<String> {
    let full = git_in(
        Some(root),
        &["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"],
    )?;
    full.strip_prefix("refs/remotes/").map(str::to_string)
}

/// The bytes of `path` as commit-ish `rev` has it (`git show rev:path`), when it has it.
pub fn file_at(root: &Path, rev: &str, path: &str) -> Option<Vec<u8>> {
    if rev.starts_with('-') || path.starts_with('-') {
        return None;
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{rev}:{path}")])
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

/// The top folder of the repository that holds `dir` (the current folder when `None`).
pub fn toplevel(dir: Option<&Path>) -> Option<PathBuf> {
    git_in(dir, &["rev-parse", "--show-toplevel"]).map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::without_credentials;

    #[test]
    fn query_strings_and_fragments_are_removed_from_remote_urls() {
        assert_eq!(
            without_credentials("https://gitlab.example.com/x/y.git?private_token=SECRET#frag"),
            "https://gitlab.example.com/x/y.git"
        );
        assert_eq!(
            without_credentials("https://u:p@host/x?t=1"),
            "https://host/x"
        );
    }

    #[test]
    fn credentials_are_removed_from_remote_urls() {
        assert_eq!(
            without_credentials("https://alice:ghp_SECRET@github.com/x/y.git"),
            "https://github.com/x/y.git"
        );
        assert_eq!(
            without_credentials("https://github.com/x/y.git"),
            "https://github.com/x/y.git"
        );
        assert_eq!(
            without_credentials("ssh://git@host:22/x.git"),
            "ssh://host:22/x.git"
        );
        assert_eq!(
            without_credentials("git@github.com:x/y.git"),
            "git@github.com:x/y.git"
        );
    }

    /// Runs git in `dir`, returning its standard output.
    fn git(dir: &std::path::Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}");
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_string()
    }

    #[test]
    fn a_tree_named_like_a_statement_does_not_misalign_what_follows_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        let statement = b"{\"a statement\": true}\n";
        std::fs::create_dir_all(root.join("s/real")).expect("folder");
        std::fs::write(root.join("s/real/signoff.json"), statement).expect("write");
        // A folder called signoff.json: its tree is listed under a statement's name.
        std::fs::create_dir_all(root.join("s/odd/signoff.json")).expect("folder");
        std::fs::write(root.join("s/odd/signoff.json/x"), "x".repeat(300)).expect("write");
        git(root, &["add", "-A"]);
        git(
            root,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@e",
                "commit",
                "-qm",
                "s",
            ],
        );
        let tree = git(root, &["rev-parse", "HEAD:s/odd/signoff.json"]);
        let blob = git(root, &["rev-parse", "HEAD:s/real/signoff.json"]);
        // The tree first, then the blob, then an object git does not have.
        let missing = "0".repeat(40);
        let hashes = super::History::new(root)
            .hash_blobs(&[&tree, &blob, &missing], 1 << 20)
            .expect("read");
        assert_eq!(
            hashes.get(&crate::fsutil::sha256_hex(statement)),
            Some(&blob),
            "{hashes:?}"
        );
        assert_eq!(hashes.len(), 1, "only blobs: {hashes:?}");
    }

    /// Commits everything in `root`; returns the new commit's id.
    fn commit_all(root: &std::path::Path, message: &str) -> String {
        git(root, &["add", "-A"]);
        let identity = ["-c", "user.name=t", "-c", "user.email=t@e"];
        let mut args = identity.to_vec();
        args.extend(["commit", "-q", "--allow-empty", "-m", message]);
        git(root, &args);
        git(root, &["rev-parse", "HEAD"])
    }

    #[test]
    fn a_committed_signoff_folder_leaves_the_tested_tree_and_the_entries_as_they_were() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        std::fs::create_dir_all(root.join("src")).expect("folder");
        std::fs::write(root.join("src/app.css"), "body {}\n").expect("write");
        std::fs::create_dir_all(root.join(".greenlight")).expect("folder");
        std::fs::write(root.join(".greenlight/config.yaml"), "sync: auto\n").expect("write");
        let tested = commit_all(root, "tested");
        let history = super::History::new(root);
        let before = history.snapshot(&tested).expect("snapshot");
        assert_eq!(before.tree, git(root, &["rev-parse", "HEAD^{tree}"]));
        let folder = root.join(".greenlight/signoffs/abc");
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::write(folder.join("signoff.json"), "{}").expect("write");
        let signed = commit_all(root, "sign-off");
        let after = history.snapshot(&signed).expect("snapshot");
        assert_ne!(git(root, &["rev-parse", "HEAD^{tree}"]), before.tree);
        assert_eq!(after.tree, before.tree, "the sign-off folder is left out");
        let paths = |s: &super::Snapshot| -> Vec<String> {
            s.entries.iter().map(|e| e.path.clone()).collect()
        };
        assert_eq!(paths(&after), paths(&before));
        // With nothing else under .greenlight, the folder disappears as git would drop it.
        std::fs::remove_file(root.join(".greenlight/config.yaml")).expect("remove");
        let without_config = commit_all(root, "no config");
        std::fs::remove_dir_all(root.join(".greenlight/signoffs")).expect("remove");
        let bare = commit_all(root, "no sign-offs");
        assert_eq!(
            history.snapshot(&without_config).expect("snapshot").tree,
            git(root, &["rev-parse", &format!("{bare}^{{tree}}")])
        );
        // Anything there greenlight does not write is content like any other: code to
        // import, a link, a file named like a folder.
        for (path, text) in [
            (".greenlight/signoffs/abc/app.js", "export const x = 1;\n"),
            (".greenlight/signoffs/abc/evidence/not-a-hash.png", "x"),
        ] {
            std::fs::create_dir_all(root.join(path).parent().expect("parent")).expect("folder");
            std::fs::write(root.join(path), text).expect("write");
            let odd = commit_all(root, "odd");
            let snapshot = history.snapshot(&odd).expect("snapshot");
            assert_eq!(
                snapshot.tree,
                git(root, &["rev-parse", "HEAD^{tree}"]),
                "{path}"
            );
            assert!(snapshot.entries.iter().any(|e| e.path == path), "{path}");
            std::fs::remove_file(root.join(path)).expect("remove");
        }
        let evidence = format!(".greenlight/signoffs/abc/evidence/{}.png", "ab".repeat(32));
        std::fs::create_dir_all(root.join(&evidence).parent().expect("parent")).expect("folder");
        std::fs::write(root.join(&evidence), "png").expect("write");
        let with_evidence = commit_all(root, "evidence");
        assert_eq!(
            history.snapshot(&with_evidence).expect("snapshot").tree,
            history.snapshot(&without_config).expect("snapshot").tree,
            "evidence named by its hash is part of the sign-off"
        );
        // Any other change still changes the tree.
        std::fs::write(root.join("src/app.css"), "body { margin: 0 }\n").expect("write");
        let changed = commit_all(root, "changed");
        assert_ne!(
            history.snapshot(&changed).expect("snapshot").tree,
            before.tree
        );
    }
}
