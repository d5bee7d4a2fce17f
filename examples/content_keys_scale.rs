//! Content keys at scale (issue #22): computing every item's key at a commit — `git ls-tree`
//! of the whole tree, link targets, the selection of each item's globs and its sha256 — for
//! the shipped checklist and for the 10,000-item fixture, in a repository of 20,000 files.
//! Budget: under 1 s each.
//!
//! ```text
//! cargo run --release --example content_keys_scale          # 7 repetitions, median
//! cargo run --release --example content_keys_scale -- 15    # 15 repetitions
//! ```
//!
//! The repository: 20,000 files in 400 folders, 200 symbolic links, a submodule commit, a
//! `.gitattributes`, and the folders both checklists' globs name (`web/pages/*`, the
//! fixture's `web/SECTION/**` and `web/styles/**`). It exits 1 if a median misses the budget.

#[path = "../benches/fixture/mod.rs"]
mod fixture;

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};

use greenlight::checklist::Checklist;
use greenlight::content_key;

const FILES: usize = 20_000;
const FOLDERS: usize = 400;
const LINKS: usize = 200;
const BUDGET: Duration = Duration::from_secs(1);

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            eprintln!("content_keys_scale: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool> {
    let repetitions: usize = match std::env::args().nth(1) {
        Some(n) => n.parse().context("the repetitions, a number")?,
        None => 7,
    };
    let dir = tempfile::tempdir()?;
    let root = dir.path();
    let shipped =
        Checklist::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/web-ux.yaml"))
            .map_err(|err| anyhow::anyhow!("{err}"))?;
    let big_path = root.join("big.yaml");
    std::fs::write(&big_path, fixture::checklist_yaml())?;
    let big = Checklist::load(&big_path).map_err(|err| anyhow::anyhow!("{err}"))?;
    let started = Instant::now();
    let commit = make_repository(root, &big)?;
    eprintln!(
        "repository: {FILES} files, {LINKS} links, a submodule — made in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut ok = true;
    for (name, checklist) in [
        ("shipped checklist", &shipped),
        ("10,000-item fixture", &big),
    ] {
        let mut times = Vec::new();
        let mut keys = None;
        for _ in 0..repetitions {
            let start = Instant::now();
            let computed =
                content_key::at_commit(root, &commit, checklist).map_err(anyhow::Error::msg)?;
            times.push(start.elapsed());
            keys = Some(computed);
        }
        times.sort();
        let median = times[times.len() / 2];
        let keys = keys.context("at least one repetition")?;
        let distinct: std::collections::HashSet<String> =
            keys.items.iter().map(|k| k.as_text()).collect();
        let nothing = keys
            .items
            .iter()
            .filter(|k| k.as_text() == "nothing")
            .count();
        ensure!(
            nothing == 0,
            "{name}: {nothing} items select nothing in the repository"
        );
        println!(
            "{name}: {} items ({} cells), {} distinct keys: median {:.0} ms over {repetitions} (min {:.0}, max {:.0}) — budget {} ms",
            checklist.items.len(),
            checklist.cell_count(),
            distinct.len(),
            ms(median),
            ms(times[0]),
            ms(times[times.len() - 1]),
            BUDGET.as_millis()
        );
        ok &= median < BUDGET;
    }
    Ok(ok)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Writes and commits the repository; its commit.
fn make_repository(root: &Path, big: &Checklist) -> Result<String> {
    let write = |path: &str, text: &str| -> Result<()> {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().context("a parent")?)?;
        std::fs::write(path, text)?;
        Ok(())
    };
    for n in 0..FILES {
        write(
            &format!("src/module{}/file{n}.ts", n % FOLDERS),
            &format!("export const value{n} = {n};\n"),
        )?;
    }
    for page in [
        "pricing",
        "dashboard",
        "features",
        "reports",
        "settings",
        "signup",
        "checkout",
    ] {
        write(
            &format!("web/pages/{page}/index.tsx"),
            "export default Page;\n",
        )?;
    }
    for component in ["charts", "media", "tables", "forms", "nav"] {
        write(
            &format!("web/components/{component}/index.tsx"),
            "export const C = 1;\n",
        )?;
    }
    for section in &big.sections {
        write(
            &format!("web/{}/index.tsx", section.id),
            "export default Section;\n",
        )?;
    }
    write("web/styles/site.css", "body { margin: 0 }\n")?;
    write("web/fonts/inter.css", "@font-face { font-family: Inter }\n")?;
    write("package.json", "{}\n")?;
    write("package-lock.json", "{}\n")?;
    write(".gitattributes", "*.css text eol=lf\n")?;
    for n in 0..LINKS {
        let link = root.join(format!("web/pages/pricing/link{n}.ts"));
        std::os::unix::fs::symlink(format!("../../../src/module{n}/file{n}.ts"), link)?;
    }
    git(root, &["init", "-q"])?;
    git(root, &["add", "-A"])?;
    git(
        root,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            "160000,1111111111111111111111111111111111111111,vendor/charts",
        ],
    )?;
    git(
        root,
        &[
            "-c",
            "user.name=b",
            "-c",
            "user.email=b@e",
            "commit",
            "-qm",
            "scale",
        ],
    )?;
    git(root, &["rev-parse", "HEAD"])
}

fn git(root: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .context("git runs")?;
    ensure!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}
