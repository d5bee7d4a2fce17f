//! Content keys (DESIGN.md §7): what an item's result depends on in a commit, so that a
//! result holds wherever that content is found again — after a rebase, an "update branch",
//! a merge-queue commit or a squash merge — and nowhere else.
//!
//! An item's key is the sha256 of the sorted `(mode, object id, path)` entries its `paths:`
//! select in the commit's tree, as git stores it (never the working tree): a submodule's
//! commit counts as an entry, a symbolic link adds the entries of its target, and every
//! `.gitattributes`, the root `.gitmodules` and `.lfsconfig` and the policy's
//! `global_paths:` are part of every key, since they change how the selected files are
//! checked out or built. A glob that selects nothing (its folder was renamed) makes the key
//! [`ContentKey::Nothing`], which matches nothing: the item must be tested again. An item
//! without `paths:` has the whole tree as its key.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use crate::checklist::Checklist;
use crate::checklist::paths::PathMatcher;
use crate::git::{Snapshot, TreeEntry};

/// How many symbolic links in a row are followed to a target.
const MAX_LINK_HOPS: usize = 8;

/// Files every item's key holds, wherever they are: they change how others are checked out.
const ALWAYS: [&str; 3] = [".gitattributes", ".gitmodules", ".lfsconfig"];

/// What an item's results depend on at one commit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContentKey {
    /// The item names no `paths`: the whole tree, by its object name.
    Tree(String),
    /// The sha256 of the entries its `paths` select, with the files every key holds.
    Files(String),
    /// A glob selects nothing: no result can hold.
    Nothing,
}

impl ContentKey {
    /// The key as a statement records it: `tree:ID`, `files:SHA256` or `nothing`.
    pub fn as_text(&self) -> String {
        match self {
            ContentKey::Tree(id) => format!("tree:{id}"),
            ContentKey::Files(sha256) => format!("files:{sha256}"),
            ContentKey::Nothing => "nothing".into(),
        }
    }

    /// Whether a result recorded under the key `recorded` (as a statement gives it) holds
    /// under this one: the same key, and not [`ContentKey::Nothing`].
    pub fn holds_for(&self, recorded: &str) -> bool {
        *self != ContentKey::Nothing && self.as_text() == recorded
    }
}

/// The entries a list of `paths:` selects in one commit, and the key they make.
#[derive(Debug, Clone)]
pub struct Selection {
    pub key: ContentKey,
    /// One line per entry, sorted: `MODE ID PATH`, or for a link whose target is not in
    /// the tree, `link PATH -> TARGET: why`.
    pub lines: BTreeSet<String>,
    /// Why the key is "nothing", when it is: a glob that selects no file, or a link that
    /// cannot be followed (a sentence).
    pub nothing: Option<String>,
}

/// Content keys at one commit, each list of `paths` worked out once.
pub struct Keys<'a> {
    snapshot: &'a Snapshot,
    /// Entry indices by path, for following links.
    by_path: HashMap<&'a str, usize>,
    /// Entry paths sorted, for the entries under a folder a link points to.
    sorted: Vec<(&'a str, usize)>,
    /// The lines every key holds, or the global glob that selects nothing.
    global: Result<BTreeSet<String>, String>,
    selections: RefCell<HashMap<Vec<String>, Rc<Selection>>>,
    selects_something: RefCell<HashMap<String, bool>>,
}

impl<'a> Keys<'a> {
    /// Keys at `snapshot`'s commit, with `global_paths` (the pinned policy's) in every one.
    pub fn new(snapshot: &'a Snapshot, global_paths: &[String]) -> Result<Keys<'a>, String> {
        let by_path = snapshot
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.path.as_str(), i))
            .collect();
        let mut sorted: Vec<(&str, usize)> = snapshot
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.path.as_str(), i))
            .collect();
        sorted.sort_unstable();
        let mut keys = Keys {
            snapshot,
            by_path,
            sorted,
            global: Ok(BTreeSet::new()),
            selections: RefCell::default(),
            selects_something: RefCell::default(),
        };
        keys.global = keys.global_lines(global_paths)?;
        Ok(keys)
    }

    /// The commit's tree.
    pub fn tree(&self) -> &str {
        &self.snapshot.tree
    }

    /// The key of an item naming `paths`.
    pub fn key(&self, paths: &[String]) -> ContentKey {
        self.selection(paths).key.clone()
    }

    /// Every item's key, by item index.
    pub fn of_items(&self, checklist: &Checklist) -> Vec<ContentKey> {
        checklist.items.iter().map(|i| self.key(&i.paths)).collect()
    }

    /// The entries `paths` select, one line each, to say which changed: every entry of the
    /// tree for an item without `paths` (whose key is the tree id), else the selection's.
    pub fn listing(&self, paths: &[String]) -> BTreeSet<String> {
        if paths.is_empty() {
            return self.snapshot.entries.iter().map(entry_line).collect();
        }
        self.selection(paths).lines.clone()
    }

    /// What `paths` select, and their key (computed once per distinct list).
    pub fn selection(&self, paths: &[String]) -> Rc<Selection> {
        if let Some(known) = self.selections.borrow().get(paths) {
            return Rc::clone(known);
        }
        let selection = Rc::new(self.select(paths));
        self.selections
            .borrow_mut()
            .insert(paths.to_vec(), Rc::clone(&selection));
        selection
    }

    fn select(&self, paths: &[String]) -> Selection {
        if paths.is_empty() {
            return Selection {
                key: ContentKey::Tree(self.snapshot.tree.clone()),
                lines: BTreeSet::new(),
                nothing: None,
            };
        }
        let nothing = |why: String| Selection {
            key: ContentKey::Nothing,
            lines: BTreeSet::new(),
            nothing: Some(why),
        };
        let empty = |glob: &str| nothing(format!("`{glob}` selects no file at this commit"));
        let global = match &self.global {
            Ok(lines) => lines,
            Err(why) => return nothing(why.clone()),
        };
        if let Some(glob) = paths
            .iter()
            .filter(|p| !p.starts_with('!'))
            .find(|p| !self.pattern_selects_something(p))
        {
            return empty(glob);
        }
        let Ok(matcher) = PathMatcher::new(paths) else {
            return empty(&paths.join(", "));
        };
        let mut lines = global.clone();
        let mut selected = false;
        for index in self.candidates(paths) {
            let entry = &self.snapshot.entries[index];
            if matcher.matches_entry(&entry.path, entry.is_gitlink()) {
                selected = true;
                if let Err(why) = self.add_entry(index, &mut lines, 0) {
                    return nothing(why);
                }
            }
        }
        // Each glob selects something alone, but together (with negations) nothing.
        if !selected {
            return empty(&paths.join(", "));
        }
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        for line in &lines {
            sha2::Digest::update(&mut hasher, line.as_bytes());
            sha2::Digest::update(&mut hasher, [0u8]);
        }
        let key = ContentKey::Files(crate::fsutil::hex(&sha2::Digest::finalize(hasher)));
        Selection {
            key,
            lines,
            nothing: None,
        }
    }

    /// The lines every key holds: `.gitattributes` anywhere, `.gitmodules` and `.lfsconfig`
    /// at the root, and what `global_paths` select — or the global glob that selects nothing.
    fn global_lines(
        &self,
        global_paths: &[String],
    ) -> Result<Result<BTreeSet<String>, String>, String> {
        if let Some(empty) = global_paths
            .iter()
            .filter(|p| !p.starts_with('!'))
            .find(|p| !self.pattern_selects_something(p))
        {
            return Ok(Err(format!(
                "the policy's global path `{empty}` selects no file at this commit"
            )));
        }
        let matcher = if global_paths.is_empty() {
            None
        } else {
            Some(PathMatcher::new(global_paths).map_err(|why| format!("global_paths: {why}"))?)
        };
        let mut lines = BTreeSet::new();
        for (index, entry) in self.snapshot.entries.iter().enumerate() {
            let name = entry.path.rsplit('/').next().unwrap_or(&entry.path);
            let always = name == ".gitattributes" || ALWAYS.contains(&entry.path.as_str());
            let chosen = matcher
                .as_ref()
                .is_some_and(|m| m.matches_entry(&entry.path, entry.is_gitlink()));
            if (always || chosen)
                && let Err(why) = self.add_entry(index, &mut lines, 0)
            {
                return Ok(Err(why));
            }
        }
        Ok(Ok(lines))
    }

    /// Whether the one glob `pattern` selects at least one entry.
    fn pattern_selects_something(&self, pattern: &str) -> bool {
        if let Some(&known) = self.selects_something.borrow().get(pattern) {
            return known;
        }
        let patterns = [pattern.to_string()];
        let found = PathMatcher::new(&patterns).is_ok_and(|matcher| {
            self.candidates(&patterns).into_iter().any(|index| {
                let e = &self.snapshot.entries[index];
                matcher.matches_entry(&e.path, e.is_gitlink())
            })
        });
        self.selects_something
            .borrow_mut()
            .insert(pattern.to_string(), found);
        found
    }

    /// The entries `patterns` may select, by index: those under the literal start of each
    /// pattern anchored to the root (`web/pricing/**` looks only under `web/pricing/`), or
    /// every entry when one can match at any depth. The globs decide among them.
    fn candidates(&self, patterns: &[String]) -> Vec<usize> {
        let prefixes: Option<Vec<&str>> = patterns
            .iter()
            .filter(|p| !p.starts_with('!'))
            .map(|p| anchored_prefix(p))
            .collect();
        let Some(prefixes) = prefixes else {
            return (0..self.snapshot.entries.len()).collect();
        };
        let mut found = Vec::new();
        for prefix in prefixes {
            let start = self.sorted.partition_point(|(path, _)| *path < prefix);
            found.extend(
                self.sorted[start..]
                    .iter()
                    .take_while(|(path, _)| path.starts_with(prefix))
                    .map(|&(_, index)| index),
            );
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Adds the entry at `index`, and for a symbolic link what it points to; or says why
    /// the content cannot be pinned down — a link that leaves the repository, points at
    /// nothing in the tree (into a submodule, through another link to a folder, at the root)
    /// or starts too long a chain, or a name that is not UTF-8 — and the key is "nothing".
    fn add_entry(
        &self,
        index: usize,
        lines: &mut BTreeSet<String>,
        hops: usize,
    ) -> Result<(), String> {
        let entry = &self.snapshot.entries[index];
        if entry.path.contains(char::REPLACEMENT_CHARACTER) {
            return Err(format!("the file name {} is not UTF-8", entry.path));
        }
        if !lines.insert(entry_line(entry)) || !entry.is_symlink() {
            return Ok(());
        }
        let target = self
            .snapshot
            .link_targets
            .get(&entry.path)
            .map_or("", String::as_str);
        let broken = |why: &str| {
            Err(format!(
                "the link {} -> {target} cannot be followed: {why}",
                entry.path
            ))
        };
        if target.is_empty() || target.contains(char::REPLACEMENT_CHARACTER) {
            return broken("its target cannot be read");
        }
        if hops >= MAX_LINK_HOPS {
            return broken("too many links in a row");
        }
        let Some(resolved) = resolve(&entry.path, target).filter(|r| !r.is_empty()) else {
            return broken("it points outside the repository or at its root");
        };
        if let Some(&found) = self.by_path.get(resolved.as_str()) {
            return self.add_entry(found, lines, hops + 1);
        }
        let folder = format!("{resolved}/");
        let start = self
            .sorted
            .partition_point(|(path, _)| *path < folder.as_str());
        let inside: Vec<usize> = self.sorted[start..]
            .iter()
            .take_while(|(path, _)| path.starts_with(&folder))
            .map(|&(_, i)| i)
            .collect();
        if inside.is_empty() {
            return broken("what it points to is not in the tree (a submodule's file, a link)");
        }
        for found in inside {
            self.add_entry(found, lines, hops + 1)?;
        }
        Ok(())
    }
}

/// Every item's content key at one commit: what a statement records of the commit it
/// signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitKeys {
    /// The commit's full object name.
    pub commit: String,
    /// Its tree's object name.
    pub tree: String,
    /// Each item's key, by item index.
    pub items: Vec<ContentKey>,
}

/// `checklist`'s keys at `commit` of the repository at `root` (its own policy's
/// `global_paths` in each), or why they cannot be worked out.
pub fn at_commit(
    root: &std::path::Path,
    commit: &str,
    checklist: &Checklist,
) -> Result<CommitKeys, String> {
    let snapshot = crate::git::History::new(root).snapshot(commit)?;
    let keys = Keys::new(&snapshot, &checklist.policy.global_paths)?;
    Ok(CommitKeys {
        items: keys.of_items(checklist),
        commit: snapshot.commit.clone(),
        tree: snapshot.tree.clone(),
    })
}

/// The literal start of every path a gitignore-style `pattern` selects, when it is anchored
/// to the root (a `/` at its start or in its middle); `None` when it may match at any depth
/// or is not a plain pattern (a negation, a comment).
fn anchored_prefix(pattern: &str) -> Option<&str> {
    let pattern = pattern.trim_end();
    if pattern.starts_with('!') || pattern.starts_with('#') {
        return None;
    }
    let body = pattern.strip_suffix('/').unwrap_or(pattern);
    if !body.contains('/') {
        return None;
    }
    let body = body.strip_prefix('/').unwrap_or(body);
    let end = body.find(['*', '?', '[', '\\']).unwrap_or(body.len());
    Some(&body[..end])
}

/// An entry as a key holds it.
fn entry_line(entry: &TreeEntry) -> String {
    format!("{} {} {}", entry.mode, entry.id, entry.path)
}

/// Where a link at `link` (a path from the root) to `target` points, from the root; `None`
/// when it leaves the repository (an absolute target, or `..` past the root).
fn resolve(link: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(mode: &str, id: &str, path: &str) -> TreeEntry {
        TreeEntry {
            mode: mode.into(),
            id: id.into(),
            path: path.into(),
        }
    }

    fn snapshot(entries: Vec<TreeEntry>, links: &[(&str, &str)]) -> Snapshot {
        Snapshot {
            commit: "c".repeat(40),
            tree: "t".repeat(40),
            entries,
            link_targets: links
                .iter()
                .map(|(l, t)| (l.to_string(), t.to_string()))
                .collect(),
        }
    }

    fn base() -> Vec<TreeEntry> {
        vec![
            entry("100644", "a1", "web/pricing/page.tsx"),
            entry("100644", "b1", "web/checkout/form.tsx"),
            entry("100644", "c1", "shared/tokens.css"),
            entry("160000", "d1", "vendor/widgets"),
            entry("100644", "e1", "package-lock.json"),
        ]
    }

    fn key(entries: Vec<TreeEntry>, links: &[(&str, &str)], paths: &[&str]) -> ContentKey {
        let snapshot = snapshot(entries, links);
        let keys = Keys::new(&snapshot, &["package-lock.json".to_string()]).expect("keys");
        let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        keys.key(&paths)
    }

    #[test]
    fn a_change_outside_the_paths_keeps_the_key_and_one_inside_changes_it() {
        let before = key(base(), &[], &["web/pricing/**"]);
        let mut outside = base();
        outside[1].id = "b2".into();
        assert_eq!(key(outside, &[], &["web/pricing/**"]), before);
        let mut inside = base();
        inside[0].id = "a2".into();
        assert_ne!(key(inside, &[], &["web/pricing/**"]), before);
        let mut mode = base();
        mode[0].mode = "100755".into();
        assert_ne!(
            key(mode, &[], &["web/pricing/**"]),
            before,
            "the mode counts"
        );
    }

    #[test]
    fn a_submodule_commit_under_a_glob_counts() {
        for glob in ["vendor/**", "vendor/", "vendor/widgets"] {
            let before = key(base(), &[], &[glob]);
            let mut bumped = base();
            bumped[3].id = "d2".into();
            assert_ne!(key(bumped, &[], &[glob]), before, "{glob}");
        }
    }

    #[test]
    fn a_link_brings_in_its_target_and_a_link_out_of_the_tree_is_named() {
        let mut entries = base();
        entries.push(entry("120000", "l1", "web/pricing/theme.css"));
        let links = [("web/pricing/theme.css", "../../shared/tokens.css")];
        let before = key(entries.clone(), &links, &["web/pricing/**"]);
        let mut retargeted = entries.clone();
        retargeted[2].id = "c2".into();
        assert_ne!(
            key(retargeted, &links, &["web/pricing/**"]),
            before,
            "the target's content changed, not the link"
        );
        // A link to a folder brings in what is under it.
        let folder_link = [("web/pricing/theme.css", "../../shared")];
        let folder = snapshot(entries.clone(), &folder_link);
        let keys = Keys::new(&folder, &[]).expect("keys");
        let selection = keys.selection(&["web/pricing/**".to_string()]);
        assert!(
            selection
                .lines
                .iter()
                .any(|l| l.ends_with("shared/tokens.css")),
            "{:?}",
            selection.lines
        );
        // A link whose content cannot be pinned down makes a key that never holds, and says
        // why: out of the repository, at its root, into a submodule, through a linked
        // folder, a chain too long, a name that is not UTF-8.
        let mut with_link_folder = entries.clone();
        with_link_folder.push(entry("120000", "l2", "lib"));
        with_link_folder.push(entry("100644", "n1", "web/pricing/odd\u{FFFD}.css"));
        let cases: [(&str, &[&str], &str); 6] = [
            (
                "../../../etc/passwd",
                &["web/pricing/theme.css"],
                "outside the repository",
            ),
            ("../..", &["web/pricing/theme.css"], "at its root"),
            (
                "../../vendor/widgets/x.css",
                &["web/pricing/theme.css"],
                "not in the tree",
            ),
            (
                "../../lib/tokens.css",
                &["web/pricing/theme.css"],
                "not in the tree",
            ),
            (
                "../../shared/tokens.css",
                &["web/pricing/odd*"],
                "is not UTF-8",
            ),
            ("", &["web/pricing/theme.css"], "cannot be read"),
        ];
        for (target, paths, why) in cases {
            let links = [("web/pricing/theme.css", target), ("lib", "shared")];
            let snapshot = snapshot(with_link_folder.clone(), &links);
            let keys = Keys::new(&snapshot, &[]).expect("keys");
            let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
            let selection = keys.selection(&paths);
            assert_eq!(selection.key, ContentKey::Nothing, "{target}");
            let said = selection.nothing.clone().unwrap_or_default();
            assert!(said.contains(why), "{target}: {said}");
        }
        let mut chain = base();
        let mut links = Vec::new();
        for n in 0..=MAX_LINK_HOPS {
            chain.push(entry("120000", &format!("c{n}"), &format!("web/l{n}")));
            links.push((format!("web/l{n}"), format!("l{}", n + 1)));
        }
        chain.push(entry("100644", "z", "web/l9"));
        let links: Vec<(&str, &str)> = links
            .iter()
            .map(|(l, t)| (l.as_str(), t.as_str()))
            .collect();
        let long = snapshot(chain, &links);
        let keys = Keys::new(&long, &[]).expect("keys");
        assert_eq!(keys.key(&["web/l0".to_string()]), ContentKey::Nothing);
        // Links to folders that hold links count towards the chain too.
        let folders = |depth: usize| {
            let mut entries = base();
            let mut links = vec![("web/l0".to_string(), "../d1".to_string())];
            entries.push(entry("120000", "f0", "web/l0"));
            for n in 1..=depth {
                entries.push(entry("120000", &format!("f{n}"), &format!("d{n}/l")));
                links.push((format!("d{n}/l"), format!("../d{}", n + 1)));
            }
            entries.push(entry("100644", "end", &format!("d{}/file", depth + 1)));
            entries.sort_by(|a, b| a.path.cmp(&b.path));
            (entries, links)
        };
        for (depth, holds) in [(3, true), (MAX_LINK_HOPS + 1, false)] {
            let (entries, links) = folders(depth);
            let links: Vec<(&str, &str)> = links
                .iter()
                .map(|(l, t)| (l.as_str(), t.as_str()))
                .collect();
            let folded = snapshot(entries, &links);
            let keys = Keys::new(&folded, &[]).expect("keys");
            let key = keys.key(&["web/l0".to_string()]);
            assert_eq!(
                key != ContentKey::Nothing,
                holds,
                "{depth} folders deep: {key:?}"
            );
        }
        // Globs that each select something but together nothing.
        assert_eq!(
            key(base(), &[], &["web/**", "!web/**"]),
            ContentKey::Nothing
        );
    }

    #[test]
    fn gitattributes_and_global_paths_are_in_every_key() {
        let before = key(base(), &[], &["web/pricing/**"]);
        let mut attributes = base();
        attributes.push(entry("100644", "g1", "web/.gitattributes"));
        assert_ne!(key(attributes, &[], &["web/pricing/**"]), before);
        let mut modules = base();
        modules.push(entry("100644", "m1", ".gitmodules"));
        assert_ne!(key(modules, &[], &["web/pricing/**"]), before);
        let mut lock = base();
        lock[4].id = "e2".into();
        assert_ne!(key(lock, &[], &["web/pricing/**"]), before, "global_paths");
    }

    #[test]
    fn a_glob_that_selects_nothing_makes_a_key_that_never_holds() {
        let nothing = key(base(), &[], &["web/pricing/**", "web/renamed/**"]);
        assert_eq!(nothing, ContentKey::Nothing);
        assert!(!nothing.holds_for("nothing"));
        let mut without_lock = base();
        without_lock.pop();
        assert_eq!(
            key(without_lock, &[], &["web/pricing/**"]),
            ContentKey::Nothing,
            "a global glob that selects nothing"
        );
    }

    #[test]
    fn no_paths_means_the_whole_tree() {
        assert_eq!(key(base(), &[], &[]), ContentKey::Tree("t".repeat(40)));
        let files = key(base(), &[], &["web/**"]);
        assert!(files.holds_for(&files.as_text()));
        assert!(files.as_text().starts_with("files:"));
    }

    #[test]
    fn links_resolve_from_their_folder_and_never_above_the_root() {
        assert_eq!(resolve("a/b/l", "../c/f").as_deref(), Some("a/c/f"));
        assert_eq!(resolve("a/l", "./x/./y").as_deref(), Some("a/x/y"));
        assert_eq!(resolve("l", "../x"), None);
        assert_eq!(resolve("a/l", "/etc/passwd"), None);
    }

    #[test]
    fn looking_only_under_an_anchored_prefix_selects_what_a_full_scan_selects() {
        assert_eq!(anchored_prefix("web/pricing/**"), Some("web/pricing/"));
        assert_eq!(anchored_prefix("/web/p*/x"), Some("web/p"));
        assert_eq!(anchored_prefix("web/styles  "), Some("web/styles"));
        assert_eq!(anchored_prefix("vendor/"), None, "a folder at any depth");
        assert_eq!(anchored_prefix("*.css"), None);
        assert_eq!(anchored_prefix("**/theme.css"), Some(""));
        assert_eq!(anchored_prefix("!web/pricing/old/**"), None);
        let paths = [
            "web/pricing/page.tsx",
            "web/pricing.css",
            "web/pricing/old/a.css",
            "web/pricingx/b.css",
            "a/web/pricing/c.css",
            "web/styles",
            "web/styles/site.css",
            "vendor/widgets",
            "lib/vendor/x.js",
            "web/[x]/y",
        ];
        let entries: Vec<TreeEntry> = paths
            .iter()
            .enumerate()
            .map(|(n, p)| entry("100644", &format!("{n:02}"), p))
            .collect();
        let snapshot = snapshot(entries, &[]);
        let keys = Keys::new(&snapshot, &[]).expect("keys");
        for patterns in [
            vec!["web/pricing/**"],
            vec!["web/pricing"],
            vec!["/web/pricing*"],
            vec!["web/pricing/**", "!web/pricing/old/**"],
            vec!["web/styles  "],
            vec!["vendor/"],
            vec!["**/pricing/**"],
            vec!["web/\\[x]/y"],
            vec!["web/pricing/**", "*.js"],
        ] {
            let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
            let matcher = PathMatcher::new(&patterns).expect("globs");
            let scanned: BTreeSet<String> = snapshot
                .entries
                .iter()
                .filter(|e| matcher.matches_entry(&e.path, e.is_gitlink()))
                .map(entry_line)
                .collect();
            assert!(!scanned.is_empty(), "{patterns:?} selects something here");
            assert_eq!(keys.selection(&patterns).lines, scanned, "{patterns:?}");
        }
    }
}
