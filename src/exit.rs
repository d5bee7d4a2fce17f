//! Exit codes (DESIGN.md §3): 0 success, 1 the thing checked is not good, 2 usage or
//! environment error; and the one error that is not a failure.

use std::process::ExitCode;

use crate::commands::Outcome;

/// The thing checked is not good (an invalid checklist, a failed verification, a closed gate).
pub const NOT_GOOD: u8 = 1;
/// A usage or environment error: a bad flag, an unreadable file, a run in use.
pub const ERROR: u8 = 2;

/// Makes a write past a file-size limit (`ulimit -f`) fail with an error the command reports
/// (EFBIG, "is the disk full?") instead of killing the process with SIGXFSZ mid-line.
pub fn survive_file_size_limits() {
    // SAFETY: setting a signal's disposition to SIG_IGN has no preconditions.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// The exit code for how a command came out.
pub fn code_for(outcome: &Outcome) -> ExitCode {
    match outcome {
        Outcome::Done => ExitCode::SUCCESS,
        Outcome::NotGood(_) => ExitCode::from(NOT_GOOD),
    }
}

/// Whether the error is a closed standard output (`greenlight … | head`), which is not a
/// failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().map(|e| e.kind());
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .and_then(|e| e.io_error_kind());
        let csv = cause
            .downcast_ref::<csv::Error>()
            .and_then(|e| match e.kind() {
                csv::ErrorKind::Io(io) => Some(io.kind()),
                _ => None,
            });
        [io, json, csv].contains(&Some(BrokenPipe))
    })
}
