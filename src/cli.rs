//! The command line: every subcommand, flag and help text, and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::checklist::{Severity, Share};
use crate::status::Status;

/// Walk a release's UX checklist across browsers and screen sizes, keep every result, sign off.
#[derive(Debug, Parser)]
#[command(
    name = "greenlight",
    version,
    about,
    after_help = "Exit codes: 0 success; 1 the thing checked is not good (invalid checklist); \
                  2 usage or environment error (bad flag, unreadable file, run in use).\n\
                  Data lives in the platform's data folder unless --home or GREENLIGHT_HOME says \
                  otherwise; `greenlight init` shows where."
)]
pub struct Cli {
    /// Keep runs under DIR instead of the platform's data folder.
    #[arg(long, global = true, env = "GREENLIGHT_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// What greenlight can do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a starter checklist and show where config and data live.
    Init(InitArgs),
    /// Check checklist files: print their counts, or every error with file:line:column.
    Validate(ValidateArgs),
    /// Start a run and open the interactive walk.
    Run(RunArgs),
    /// Reopen a run in the interactive walk, on its first untested cell.
    Resume(ResumeArgs),
    /// Start a run without the interactive walk; prints its id.
    Start(StartArgs),
    /// Enter one result (or a stream of them with --batch) without the interactive walk.
    Record(RecordArgs),
    /// Withdraw the newest result of a run (recorded as an entry; history is kept).
    Undo(UndoArgs),
    /// Show counts by status and environment, and the policy's verdict.
    Status(StatusArgs),
    /// List runs, oldest first.
    Runs(RunsArgs),
    /// Write a run's results: CSV, JSON, an XLSX workbook or a one-file HTML report.
    Export(ExportArgs),
    /// Approve or reject a run: write the sign-off folder, signed with your SSH key.
    Signoff(SignoffArgs),
    /// Verify a sign-off folder, its signoff.json, or a pull-request comment holding one.
    Verify(VerifyArgs),
    /// For CI: succeed only for a verified, approved, policy-passing sign-off of a commit.
    Gate(GateArgs),
    /// Make a checklist from a spreadsheet (CSV, XLSX) or a Markdown task list.
    Import(ImportArgs),
    /// Record results typed into a spreadsheet (an exported CSV or XLSX, long or grid layout).
    ImportResults(ImportResultsArgs),
    /// Bug reports from a run's failures: print them, write them, or file them with `gh`.
    Bugs(BugsArgs),
}

/// How `bugs` gives its drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BugsFormat {
    /// Markdown, as an issue shows it.
    Md,
    /// JSON, for scripts: title, labels, body, cells, evidence and fingerprint of each.
    Json,
}

#[derive(Debug, Args)]
pub struct BugsArgs {
    /// Run id or unique prefix [default: the newest run].
    pub run: Option<String>,
    /// md or json.
    #[arg(long, value_enum, default_value = "md")]
    pub format: BugsFormat,
    /// Write the drafts into DIR (one .md each, or drafts.json) with their evidence files,
    /// instead of printing them.
    #[arg(short = 'o', long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// One draft per failed cell, or per failed item with its environments together.
    #[arg(long, value_enum, default_value = "cell")]
    pub group: crate::bugs::Grouping,
    /// File each draft as a GitHub issue through `gh` (skipping those already open, which
    /// get one "still fails" comment per run), and tell open issues of cells that pass in
    /// this run that they pass.
    #[arg(long)]
    pub create: bool,
    /// With --create: print the gh commands instead of running them (the open issues are
    /// still read, to show what would be skipped).
    #[arg(long, requires = "create")]
    pub dry_run: bool,
    /// With --create: close the open issues whose cells pass in this run.
    #[arg(long, requires = "create")]
    pub close_fixed: bool,
    /// The GitHub repository, OWNER/NAME [default: gh's, from the current folder].
    #[arg(long, value_name = "OWNER/NAME", requires = "create")]
    pub repo: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to write the starter checklist into.
    #[arg(default_value = "checklists")]
    pub dir: PathBuf,
    /// Overwrite the starter checklist if it already exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Checklist files (YAML).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print one JSON object per file instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Who is testing what; shared by the commands that start a run.
#[derive(Debug, Args)]
pub struct RunIdentity {
    /// Release label, such as a version or a sprint name.
    #[arg(long, value_name = "LABEL")]
    pub release: String,
    /// Commit under test [default: `git rev-parse HEAD` here, else unknown].
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,
    /// "Name <email>" [default: config.yaml's `tester`, else git's user.name and user.email].
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub tester: Option<String>,
}

/// Starting from earlier approvals: their passes that still hold at this commit — same cell
/// definition, same content under the item's paths — are carried into the new run
/// (DESIGN.md §7).
#[derive(Debug, Args, Default)]
pub struct CarryArgs {
    /// An earlier approval to carry passes from: a sign-off folder, its signoff.json, or its
    /// comment; `auto` weighs every trusted sign-off of this checklist under
    /// .greenlight/signoffs/, as the gate does: a cell carries when the results that hold
    /// for it count a pass, and a failure on the same content stands.
    #[arg(long, value_name = "SIGNOFF")]
    pub carry_from: Option<PathBuf>,
    /// Print what would be carried and why the rest would not, without starting a run.
    #[arg(long, requires = "carry_from")]
    pub dry_run: bool,
    /// Who may sign the earlier approval, in git's allowed-signers format [default: git's
    /// gpg.ssh.allowedSignersFile].
    #[arg(long, value_name = "FILE", requires = "carry_from")]
    pub allowed_signers: Option<PathBuf>,
}

/// Which share of the matrix a run covers: a tester with Safari on a Mac takes `safari`,
/// another Edge on Windows takes `edge`, and the gate adds their signed shares up.
#[derive(Debug, Args, Default)]
pub struct ShareArgs {
    /// Only these browsers, by id, comma-separated [default: every one].
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub browsers: Option<Vec<String>>,
    /// Only these viewports, by id, comma-separated [default: every one].
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub viewports: Option<Vec<String>>,
    /// Only these sections, by id, comma-separated [default: every one].
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub sections: Option<Vec<String>>,
}

impl ShareArgs {
    /// The share these flags ask for.
    pub fn share(&self) -> Share {
        let ids = |list: &Option<Vec<String>>| {
            list.as_ref().map(|ids| {
                let mut kept: Vec<String> = Vec::new();
                for id in ids.iter().map(|id| id.trim()).filter(|id| !id.is_empty()) {
                    if !kept.iter().any(|k| k == id) {
                        kept.push(id.to_string());
                    }
                }
                kept
            })
        };
        Share {
            browsers: ids(&self.browsers),
            viewports: ids(&self.viewports),
            sections: ids(&self.sections),
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Checklist file [default: the only .yaml in ./checklists, or a choice among several].
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub identity: RunIdentity,
    #[command(flatten)]
    pub share: ShareArgs,
    #[command(flatten)]
    pub carry: CarryArgs,
    /// Never start a browser with the checklist's `launch` commands (`x` says so).
    #[arg(long)]
    pub no_launch: bool,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// Run id or unique prefix [default: the newest run].
    pub run: Option<String>,
    /// Start in this browser (its id), on its first untested cell.
    #[arg(long)]
    pub browser: Option<String>,
    /// Start at this viewport (its id), on its first untested cell.
    #[arg(long)]
    pub viewport: Option<String>,
    /// Never start a browser with the checklist's `launch` commands (`x` says so).
    #[arg(long)]
    pub no_launch: bool,
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// Checklist file (YAML).
    pub file: PathBuf,
    #[command(flatten)]
    pub identity: RunIdentity,
    #[command(flatten)]
    pub share: ShareArgs,
    #[command(flatten)]
    pub carry: CarryArgs,
    /// Print the new run as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Run id, or a unique prefix of one.
    pub run: String,
    /// Item id.
    #[arg(required_unless_present = "batch")]
    pub item: Option<String>,
    /// Browser id.
    #[arg(required_unless_present = "batch")]
    pub browser: Option<String>,
    /// Viewport id.
    #[arg(required_unless_present = "batch")]
    pub viewport: Option<String>,
    /// pass, fail, blocked or skip.
    #[arg(required_unless_present = "batch")]
    pub status: Option<Status>,
    /// 1 (blocker), 2 (major) or 3 (minor); failures only [default: the item's].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub severity: Option<Severity>,
    /// Free text; required for blocked and skip.
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub note: Option<String>,
    /// A screenshot or recording to attach (its sha256 is taken now); repeatable.
    #[arg(long, value_name = "PATH")]
    pub evidence: Vec<PathBuf>,
    /// Who entered it [default: the run's tester].
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub tester: Option<String>,
    /// Read results as JSON lines from FILE (`-` for standard input), each
    /// {"item","browser","viewport","status","severity"?,"note"?,"evidence"?:[..]};
    /// prints one line per result once it is on disk, stops at the first bad line.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["item", "severity", "note", "evidence"])]
    pub batch: Option<PathBuf>,
    /// Print what was recorded as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// Run id or unique prefix [default: the newest run].
    pub run: Option<String>,
    /// Who undid it [default: the run's tester].
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub tester: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Run id or unique prefix [default: the newest run].
    pub run: Option<String>,
    /// Print the status as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// Print the runs as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The file formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    /// A workbook: Results, Matrix, Summary and Failures sheets (needs -o).
    Xlsx,
    /// One self-contained page a reviewer opens in any browser.
    Html,
}

/// The CSV layouts of DESIGN.md §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Layout {
    /// One row per cell.
    Long,
    /// One row per item, one column per environment.
    Grid,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Run id or unique prefix [default: the newest run].
    pub run: Option<String>,
    /// Output format [default: from -o's extension (.csv, .json, .xlsx, .html), else csv].
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// CSV layout.
    #[arg(long, value_enum, default_value_t = Layout::Long)]
    pub layout: Layout,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write text exactly as recorded, without the leading `'` that stops spreadsheets from
    /// running a field that starts with =, +, -, @, tab or carriage return as a formula.
    #[arg(long)]
    pub raw: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("decision").required(true).args(["approve", "reject"]))]
pub struct SignoffArgs {
    /// Run id or unique prefix [default: the newest run].
    pub run: Option<String>,
    /// Approve the release (refused while the checklist's policy blocks it).
    #[arg(long)]
    pub approve: bool,
    /// Reject the release (needs --comment saying why).
    #[arg(long)]
    pub reject: bool,
    /// Free text carried in the signed statement and the comment.
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub comment: Option<String>,
    /// SSH key: a private key, or a .pub whose key is in ssh-agent or on hardware
    /// [default: config's signing_key, else git's user.signingkey, else ~/.ssh/id_ed25519].
    #[arg(long, value_name = "PATH")]
    pub key: Option<PathBuf>,
    /// Folder to write the sign-off into [default: ./signoff-RUN].
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The commit, for a run started where git could not tell it.
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A sign-off folder, a signoff.json (with its .sig beside it), or a comment (signoff.md).
    pub path: PathBuf,
    /// git's allowed-signers format [default: git's gpg.ssh.allowedSignersFile].
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
    /// Where committed sign-off folders are, for a comment too large to carry its
    /// statement [default: .greenlight/signoffs of this repository]; repeatable.
    #[arg(long, value_name = "DIR")]
    pub signoffs: Vec<PathBuf>,
    /// Print every check as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Read the checklist and the allowed-signers file from the protected \
    default branch, never from the pull request being gated. Give the commit being released: \
    a pull request's head (not $GITHUB_SHA, which for pull-request events is a merge commit \
    nobody tested, or the base branch's head under pull_request_target), the commit a merge \
    made on the default branch, or a release tag's. Signed results count where what they \
    tested is unchanged (the same cell definition, the same content under the item's paths), \
    so a rebase, an update of the branch or a squash merge keeps them; sign-off folders \
    committed under .greenlight/signoffs are never part of what was tested.\n  \
    git fetch --no-tags origin \"+refs/pull/$PR/head:refs/remotes/pull/$PR\"\n  \
    tested=$(git rev-parse \"pull/$PR\")\n  \
    git show origin/main:checklists/web-ux.yaml > pinned.yaml\n  \
    git show origin/main:.github/allowed_signers > allowed_signers\n  \
    greenlight gate signoffs/*.md --commit \"$tested\" --checklist pinned.yaml \\\n    \
    --allowed-signers allowed_signers --summary \"$GITHUB_STEP_SUMMARY\"\n\n\
    Why one cell counts or not: --explain ITEM BROWSER VIEWPORT."
)]
pub struct GateArgs {
    /// Sign-off folders, statements or comments (every approval and rejection posted); none
    /// at all is a pull request nobody has signed yet: the gate says so and stays closed.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The commit being released: a pull request's head, the commit a merge made on the
    /// default branch, or a release tag's. The gate runs in a clone that has it, and reads
    /// its tree.
    #[arg(long, value_name = "SHA")]
    pub commit: String,
    /// A checklist as pinned on the protected branch; repeat it when the release needs
    /// several (the gate opens only when every one passes).
    #[arg(long, required = true, value_name = "FILE")]
    pub checklist: Vec<PathBuf>,
    /// Who may sign: git's allowed-signers format, from the protected branch. Required:
    /// the gate never falls back to git's configuration, whose relative path would name
    /// the pull request's own file.
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: PathBuf,
    /// Where committed sign-off folders are, for a comment too large to carry its
    /// statement [default: .greenlight/signoffs of this repository]; repeatable.
    #[arg(long, value_name = "DIR")]
    pub signoffs: Vec<PathBuf>,
    /// Print everything as JSON.
    #[arg(long)]
    pub json: bool,
    /// Append a Markdown summary to FILE (such as $GITHUB_STEP_SUMMARY).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Say which signed result counts for one cell, and why each other does not (which
    /// field of its definition or which file under its paths changed): the cell's item,
    /// browser and viewport ids.
    #[arg(long, num_args = 3, value_names = ["ITEM", "BROWSER", "VIEWPORT"])]
    pub explain: Option<Vec<String>>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A CSV or XLSX sheet (its header found among the first rows by the names it holds:
    /// title or test case, section or module, id, steps, precondition, test data, expected
    /// result, priority…; or one column per environment, such as `Chrome Desktop`), or a
    /// Markdown checklist (headings are sections, task-list items `- [ ] …` are items).
    pub file: PathBuf,
    /// Where to write the checklist (YAML).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// A CSV or XLSX sheet describing the matrix (kind, id, name, width, height, launch)
    /// [default: a second sheet named `matrix`, else Chrome, Firefox, Safari, Edge by phone,
    /// tablet, laptop, wide].
    #[arg(long, value_name = "FILE")]
    pub matrix: Option<PathBuf>,
    /// The checklist's id [default: from the output file's name].
    #[arg(long)]
    pub id: Option<String>,
    /// The checklist's title [default: from the source].
    #[arg(long)]
    pub title: Option<String>,
    /// Markdown: import plain and numbered list items and bare `[ ]` lines as items too
    /// (by default only task-list items, `- [ ] …`, are).
    #[arg(long)]
    pub lists: bool,
    /// Sheets: map columns by hand when the guess is wrong, `HEADER=FIELD` pairs separated
    /// by commas (`--columns "Scenario=title,Owner=ignore"`); fields are section, id, title,
    /// steps, precondition, test data, step number, expect, url, severity, required,
    /// browsers, viewports, or ignore.
    #[arg(long, value_delimiter = ',', value_name = "HEADER=FIELD")]
    pub columns: Vec<String>,
    /// A sheet with a column per environment (`Chrome Desktop`, `Safari iPhone`…) holding
    /// results: start a run of the new checklist and record them in it. Needs --release.
    #[arg(long, requires = "release")]
    pub results_into_run: bool,
    /// With --results-into-run: the run's release label.
    #[arg(long, value_name = "LABEL")]
    pub release: Option<String>,
    /// With --results-into-run: the commit the results were found at [default: HEAD].
    #[arg(long, value_name = "SHA", requires = "results_into_run")]
    pub commit: Option<String>,
    /// With --results-into-run: who found them, "Name <email>" [default: as for `run`].
    #[arg(long, value_name = "NAME <EMAIL>", requires = "results_into_run")]
    pub tester: Option<String>,
    /// Overwrite the output file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportResultsArgs {
    /// Run id or unique prefix.
    pub run: String,
    /// A results sheet: CSV or XLSX, in the long or grid layout of `export`.
    pub file: PathBuf,
    /// Record without asking.
    #[arg(long)]
    pub yes: bool,
    /// Who is importing [default: the config's tester, else git's identity].
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub tester: Option<String>,
}
