//! Small file-system helpers shared by the run store and the exports.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// Writes `bytes` to `path` so that `path` holds either its old content or all of the new:
/// a temporary file in the same folder, flushed, then renamed over the target.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |out| Ok(out.write_all(bytes)?))
}

/// Like [`write_atomically`], with the content produced by `fill` through a buffer.
pub fn write_atomically_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    replace_file_with(path, |file| {
        let mut out = std::io::BufWriter::new(file);
        fill(&mut out)?;
        out.flush()?;
        Ok(())
    })
}

/// The one way greenlight replaces a file: `fill` writes the new content into a temporary
/// file in the same folder, which is flushed to disk and renamed over `path`, and the
/// folder flushed after it. A failure at any point leaves `path` as it was and no
/// temporary file behind.
pub fn replace_file_with(path: &Path, fill: impl FnOnce(&mut File) -> Result<()>) -> Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // Files people share (exports, sign-offs, checklists) get the usual mode, 0666 less the
    // umask (0644 by default), not the 0600 a temporary file is made with.
    let mut file = tempfile::Builder::new()
        .prefix(".greenlight-")
        .permissions(shared_mode())
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    fill(file.as_file_mut()).with_context(|| format!("cannot write {}", path.display()))?;
    flush_to_disk(file.as_file()).with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .map_err(|err| err.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    flush_folder_to_disk(dir).with_context(|| format!("cannot flush folder {}", dir.display()))
}

thread_local! {
    /// How many flushes to stable storage this thread has made: the seam through which
    /// tests see that a write was made durable, not only written.
    static FLUSHES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn count_flush() {
    FLUSHES.with(|count| count.set(count.get() + 1));
}

/// How many flushes to stable storage the calling thread has made so far (for tests).
#[doc(hidden)]
pub fn flushes_on_this_thread() -> u64 {
    FLUSHES.with(|count| count.get())
}

/// `fsync`: a file's data and metadata on stable storage.
pub fn flush_to_disk(file: &File) -> std::io::Result<()> {
    file.sync_all()?;
    count_flush();
    Ok(())
}

/// `fdatasync`: a file's data on stable storage (enough after an append, where the size is
/// all the metadata that changes).
pub fn flush_data_to_disk(file: &File) -> std::io::Result<()> {
    file.sync_data()?;
    count_flush();
    Ok(())
}

/// Flushes a folder's entries (new files, renames) to stable storage.
pub fn flush_folder_to_disk(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    flush_to_disk(&File::open(dir)?)?;
    Ok(())
}

/// 0666: the kernel takes the umask off when the file is made.
fn shared_mode() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o666)
}

/// `~` and `~/x` as the shell reads them, from `$HOME`; any other path unchanged.
pub fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => Path::new(&home).join(rest),
        _ => path.to_path_buf(),
    }
}

/// The sha256 of some bytes, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The sha256 of a file's content, read in pieces.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

/// `path` opened for reading when it is a regular file: opened without waiting (a FIFO
/// would wait for a writer), then looked at, so a FIFO, a device that streams forever or a
/// folder is refused, never read. A symbolic link is followed to what it names, which must
/// be a regular file too.
pub fn open_regular_file(path: &Path) -> std::io::Result<std::fs::File> {
    open_regular(path, true)
}

/// Like [`open_regular_file`], but a symbolic link is refused, not followed: for files that
/// arrive from others, such as the sign-off folders a pull request commits, where a link
/// could name the runner's own files (DESIGN.md §6).
pub fn open_file_not_linked(path: &Path) -> std::io::Result<std::fs::File> {
    open_regular(path, false)
}

fn open_regular(path: &Path, follow_links: bool) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = if follow_links {
        libc::O_NONBLOCK
    } else {
        libc::O_NONBLOCK | libc::O_NOFOLLOW
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
        .map_err(|err| {
            if !follow_links && err.raw_os_error() == Some(libc::ELOOP) {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "a symbolic link, which is not followed here",
                )
            } else {
                err
            }
        })?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(file)
}

/// The error for a file over `limit` bytes.
fn larger_than(limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("larger than {limit} bytes"),
    )
}

/// The bytes of `path`, which must be a regular file (see [`open_regular_file`]) of at most
/// `limit` bytes.
pub fn read_regular_file(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    read_opened(open_regular_file(path)?, limit)
}

/// The bytes of `path`, a regular file of at most `limit` bytes that is not a symbolic link
/// (see [`open_file_not_linked`]).
pub fn read_file_not_linked(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    read_opened(open_file_not_linked(path)?, limit)
}

fn read_opened(file: File, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let size = file.metadata()?.len();
    if size > limit {
        return Err(larger_than(limit));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // The file may grow while it is read: never take more than the limit.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(larger_than(limit));
    }
    Ok(bytes)
}

/// The sha256 (lowercase hex) of `path`, a regular file of at most `limit` bytes, read in
/// pieces so a large file is never held in memory.
pub fn sha256_of_regular_file(path: &Path, limit: u64) -> std::io::Result<String> {
    sha256_of_opened(open_regular_file(path)?, limit)
}

/// [`sha256_of_regular_file`] of a file that must not be a symbolic link.
pub fn sha256_of_file_not_linked(path: &Path, limit: u64) -> std::io::Result<String> {
    sha256_of_opened(open_file_not_linked(path)?, limit)
}

fn sha256_of_opened(file: File, limit: u64) -> std::io::Result<String> {
    use std::io::Read;
    let mut hasher = Sha256::new();
    let copied = std::io::copy(&mut file.take(limit + 1), &mut hasher)?;
    if copied > limit {
        return Err(larger_than(limit));
    }
    Ok(hex(&hasher.finalize()))
}

/// The controlling terminal's echo, turned off until this is dropped (then put back as it
/// was): for the whole of a passphrase exchange, not only while a line is read. Does nothing
/// where there is no terminal.
pub struct TerminalEcho {
    tty: Option<(File, libc::termios)>,
}

impl TerminalEcho {
    /// Turns echo off on `/dev/tty`, when there is one.
    pub fn off() -> TerminalEcho {
        use std::os::fd::AsRawFd;
        let tty = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()
            .and_then(|tty| {
                // SAFETY: an all-zero termios is a valid value for tcgetattr to fill in.
                let mut saved: libc::termios = unsafe { std::mem::zeroed() };
                // SAFETY: the descriptor is open for the life of `tty`; `saved` is a valid
                // termios to write into.
                if unsafe { libc::tcgetattr(tty.as_raw_fd(), &mut saved) } != 0 {
                    return None;
                }
                let mut quiet = saved;
                quiet.c_lflag &= !(libc::ECHO | libc::ECHONL);
                // SAFETY: as above; `quiet` is the terminal's own settings less echo.
                unsafe { libc::tcsetattr(tty.as_raw_fd(), libc::TCSANOW, &quiet) };
                Some((tty, saved))
            });
        TerminalEcho { tty }
    }
}

impl Drop for TerminalEcho {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        if let Some((tty, saved)) = &self.tty {
            // SAFETY: the descriptor is still open; `saved` came from tcgetattr on it.
            unsafe { libc::tcsetattr(tty.as_raw_fd(), libc::TCSANOW, saved) };
        }
    }
}

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("results.csv");
        std::fs::write(&target, "old").unwrap();
        let result = write_atomically_with(&target, |out| {
            out.write_all(b"half of the new")?;
            anyhow::bail!("the export broke midway")
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        write_atomically(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn a_replaced_file_gets_the_mode_the_umask_gives_not_a_temporary_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.csv");
        write_atomically(&path, b"x").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // What a plain new file gets here, under the same umask.
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"x").unwrap();
        let expected = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, expected, "{mode:o} vs {expected:o}");
        assert_ne!(mode, 0o600, "readable by others unless the umask says no");
    }

    #[test]
    fn a_replaced_file_is_flushed_to_disk_with_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let before = flushes_on_this_thread();
        write_atomically(&dir.path().join("x"), b"x").unwrap();
        assert_eq!(flushes_on_this_thread(), before + 2);
    }

    #[test]
    fn the_home_folder_is_expanded_only_at_the_start() {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        if let Some(home) = home {
            assert_eq!(expand_home(Path::new("~")), home);
            assert_eq!(
                expand_home(Path::new("~/shots/a.png")),
                home.join("shots/a.png")
            );
        }
        assert_eq!(expand_home(Path::new("~bob/a")), Path::new("~bob/a"));
        assert_eq!(expand_home(Path::new("a/~/b")), Path::new("a/~/b"));
        assert_eq!(expand_home(Path::new("/tmp/a")), Path::new("/tmp/a"));
    }

    #[test]
    fn hashes_bytes_and_files_alike() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "abc").unwrap();
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_hex(b"abc"), expected);
        assert_eq!(sha256_file(&path).unwrap(), expected);
    }
}
