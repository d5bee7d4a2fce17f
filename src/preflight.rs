//! Warnings that save a tester's afternoon: before a run starts or a sign-off is signed,
//! whether the gate will be able to count it at all (DESIGN.md §5.1). The gate judges
//! against the checklist and the allowed-signers file of the protected default branch; a
//! pull request that edits the checklist, or a key the team never listed, means every cell
//! walked is wasted — and today only CI says so, after the work is done.

use std::path::Path;

use ssh_key::PublicKey;

use crate::run::Run;
use crate::signoff::allowed_signers::AllowedSigners;
use crate::signoff::statement::NAMESPACE;
use crate::untrusted::one_line;

/// Why the checklist at `path` (relative to `repository`), with these bytes' `sha256`, will
/// not be the one the gate pins: it differs from the default branch's copy, or is not on
/// that branch at all. `None` when it is the same, or when there is no default branch to
/// compare with.
pub fn checklist_not_pinned(repository: &Path, path: &str, sha256: &str) -> Option<String> {
    let branch = crate::git::default_branch(repository)?;
    let shown = one_line(path);
    let next_step = "the gate judges approvals against the default branch's checklist, so \
                     land the checklist change there first (its own pull request), then test";
    match crate::git::file_at(repository, &branch, path) {
        None => Some(format!(
            "{shown} is not on {branch}: {next_step}; approvals of this run will not count"
        )),
        Some(bytes) if crate::fsutil::sha256_hex(&bytes) != sha256 => Some(format!(
            "{shown} differs from {branch}'s copy: {next_step}; approvals of this run will not count"
        )),
        Some(_) => None,
    }
}

/// The allowed-signers file the gate will judge with, and how to name it: the default
/// branch's committed `.github/allowed_signers` (what CI reads), else the one git config or
/// the working copy names.
fn gate_allowed_signers(repository: Option<&Path>) -> Option<(AllowedSigners, String)> {
    let committed = repository.and_then(|root| {
        let branch = crate::git::default_branch(root)?;
        let bytes =
            crate::git::file_at(root, &branch, crate::signoff::verify::TEAM_ALLOWED_SIGNERS)?;
        let text = String::from_utf8_lossy(&bytes);
        Some((
            AllowedSigners::parse(&text),
            format!("{branch}:{}", crate::signoff::verify::TEAM_ALLOWED_SIGNERS),
        ))
    });
    committed.or_else(|| {
        let file = crate::signoff::verify::find_allowed_signers(repository)?;
        let signers = AllowedSigners::load(&file).ok()?;
        Some((signers, file.display().to_string()))
    })
}

/// Why a sign-off by `key` for `email` will not be trusted by the allowed-signers file the
/// gate reads, with the line that would trust it; `None` when it is listed, or when there
/// is no file to look in.
pub fn key_not_listed(key: &PublicKey, email: &str, repository: Option<&Path>) -> Option<String> {
    let (signers, file) = gate_allowed_signers(repository)?;
    let refusal = signers
        .check(email, key.key_data(), NAMESPACE, chrono::Utc::now())
        .err()?;
    let fingerprint = key.fingerprint(ssh_key::HashAlg::Sha256);
    let line = key
        .to_openssh()
        .map(|text| {
            let mut words = text.split_whitespace();
            let (algorithm, blob) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            format!("{email} namespaces=\"{NAMESPACE}\" {algorithm} {blob}")
        })
        .unwrap_or_default();
    Some(format!(
        "your key {fingerprint} is not trusted for {} by {} ({refusal}): CI will not count \
         this sign-off; ask for this line on the default branch's copy: {}",
        one_line(email),
        one_line(&file),
        one_line(&line)
    ))
}

/// Every warning for signing `run` with the key at `key_path` as `email`.
pub fn warnings(run: &Run, key_path: &Path, email: &str, repository: Option<&Path>) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Some(root) = repository {
        let checklist = &run.meta().checklist;
        warnings.extend(checklist_not_pinned(
            root,
            &checklist.path,
            &checklist.sha256,
        ));
    }
    if let Ok(key) = crate::signoff::signing::public_key_of(key_path) {
        warnings.extend(key_not_listed(&key, email, repository));
    }
    warnings
}
