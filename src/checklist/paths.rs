//! An item's `paths:` (DESIGN.md §7): gitignore-style globs, relative to the repository
//! root, naming the files whose change can affect what the item checks. The rules are
//! git's own (through the `ignore` crate): `*.css` matches at any depth, `/web/x` only at the
//! root, `web/pricing/` a folder and everything in it, `**` any number of folders, and a
//! later `!pattern` takes files back out.

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The compiled globs of one item.
#[derive(Debug, Clone)]
pub struct PathMatcher {
    globs: Gitignore,
}

impl PathMatcher {
    /// Checks that every one of `patterns` is a glob, without compiling them (which loading
    /// a checklist of thousands of items would otherwise pay for each).
    pub fn check(patterns: &[String]) -> Result<(), String> {
        PathMatcher::parse(patterns).map(|_| ())
    }

    fn parse(patterns: &[String]) -> Result<GitignoreBuilder, String> {
        let mut builder = GitignoreBuilder::new("");
        for pattern in patterns {
            if pattern.trim().is_empty() {
                return Err("an empty pattern matches nothing; remove it".into());
            }
            builder
                .add_line(None, pattern)
                .map_err(|err| format!("`{pattern}` is not a valid glob: {err}"))?;
        }
        Ok(builder)
    }

    /// Compiles `patterns`; the error names the first that is not a valid glob.
    pub fn new(patterns: &[String]) -> Result<PathMatcher, String> {
        let globs = PathMatcher::parse(patterns)?
            .build()
            .map_err(|err| format!("the globs do not compile: {err}"))?;
        Ok(PathMatcher { globs })
    }

    /// Whether the file at `path` (relative to the repository root, `/`-separated) is one
    /// the globs name, directly or through a folder they name.
    pub fn matches(&self, path: &str) -> bool {
        self.matches_entry(path, false)
    }

    /// [`PathMatcher::matches`] for an entry that may be a folder (a submodule's commit is
    /// one in the working tree: `vendor/lib/` names it).
    pub fn matches_entry(&self, path: &str, is_dir: bool) -> bool {
        matches!(
            self.globs.matched_path_or_any_parents(path, is_dir),
            Match::Ignore(_)
        )
    }

    /// The first of `files` the globs name.
    pub fn first_match<'a>(&self, files: &'a [String]) -> Option<&'a str> {
        files
            .iter()
            .map(String::as_str)
            .find(|file| self.matches(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(patterns: &[&str]) -> PathMatcher {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        PathMatcher::new(&patterns).expect("valid globs")
    }

    #[test]
    fn globs_follow_gitignore_rules() {
        let m = matcher(&[
            "web/pricing/**",
            "*.css",
            "/README.md",
            "!web/css/print.css",
        ]);
        assert!(m.matches("web/pricing/page.tsx"));
        assert!(m.matches("web/pricing/deep/er/x.ts"));
        assert!(m.matches("web/css/site.css"));
        assert!(m.matches("site.css"));
        assert!(m.matches("README.md"));
        assert!(
            !m.matches("docs/README.md"),
            "a leading / anchors at the root"
        );
        assert!(
            !m.matches("web/css/print.css"),
            "a later ! takes a file back out"
        );
        assert!(!m.matches("web/checkout/page.tsx"));
        assert!(!m.matches("web/pricing.ts"));
    }

    #[test]
    fn a_folder_pattern_names_everything_under_it() {
        let m = matcher(&["web/checkout/"]);
        assert!(m.matches("web/checkout/form.tsx"));
        assert!(m.matches("web/checkout/a/b.css"));
        assert!(!m.matches("web/checkouts.tsx"));
    }

    #[test]
    fn the_first_changed_file_a_glob_names_is_the_reason() {
        let m = matcher(&["web/pricing/**"]);
        let changed = vec!["README.md".to_string(), "web/pricing/page.css".to_string()];
        assert_eq!(m.first_match(&changed), Some("web/pricing/page.css"));
        assert_eq!(m.first_match(&changed[..1]), None);
    }

    #[test]
    fn empty_and_broken_patterns_are_refused() {
        assert!(PathMatcher::new(&["  ".to_string()]).is_err());
        assert!(PathMatcher::check(&["  ".to_string()]).is_err());
        let err = PathMatcher::new(&["web/[z-a].css".to_string()]).unwrap_err();
        assert!(err.contains("web/[z-a].css"), "{err}");
        let err = PathMatcher::check(&["web/[z-a].css".to_string()]).unwrap_err();
        assert!(err.contains("web/[z-a].css"), "{err}");
        assert!(PathMatcher::check(&["web/**".to_string(), "!x.css".to_string()]).is_ok());
    }
}
