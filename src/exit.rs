//! Exit codes (DESIGN.md §3): 0 success, 1 the thing checked is not good, 2 usage or
//! environment error.

/// The thing checked is not good (an invalid checklist, a failed verification): exit 1.
/// Every other error is a usage or environment error: exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotGood(pub String);

/// The exit code for an error that reached `main`.
pub fn code_for(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<NotGood>().is_some() {
        1
    } else {
        2
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
