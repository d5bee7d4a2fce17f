//! Nothing acknowledged is ever lost: SIGKILL mid-stream, torn lines, a second writer, a full
//! disk and a read-only folder.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::process::Stdio;

use common::Sandbox;
use predicates::prelude::*;

/// The batch line that records `note` as a failure of one of the fixture's cells.
fn batch_line(n: usize, note: &str) -> String {
    let cells = [
        ("no-shift", "chrome", "phone"),
        ("text-size", "safari", "phone"),
        ("no-shift", "chrome", "laptop"),
    ];
    let (item, browser, viewport) = cells[n % cells.len()];
    serde_json::json!({"item": item, "browser": browser, "viewport": viewport, "status": "fail", "note": note})
        .to_string()
}

fn history(sandbox: &Sandbox, run: &str) -> Vec<serde_json::Value> {
    let document = sandbox.json(&["export", run, "--format", "json"]);
    document["history"].as_array().unwrap().clone()
}

#[test]
fn every_acknowledged_record_survives_sigkill_mid_stream() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let mut acknowledged: Vec<(u64, String)> = Vec::new();
    // Kill after a different number of acknowledgements each round, while more lines are
    // still streaming in, so the kill lands at varied points of the write path.
    for (round, kill_after) in [7usize, 40, 1, 123, 64].into_iter().enumerate() {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("greenlight"))
            .args(["record", &run, "--batch", "-", "--json"])
            .env("GREENLIGHT_HOME", sandbox.home())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let feeder = std::thread::spawn(move || {
            for n in 0..100_000 {
                if writeln!(
                    stdin,
                    "{}",
                    batch_line(n, &format!("round {round} line {n}"))
                )
                .is_err()
                {
                    break;
                }
            }
        });
        let mut acks = BufReader::new(child.stdout.take().unwrap()).lines();
        for _ in 0..kill_after {
            let ack = acks.next().expect("an acknowledgement").unwrap();
            let entry: serde_json::Value = serde_json::from_str(&ack).unwrap();
            acknowledged.push((
                entry["seq"].as_u64().unwrap(),
                entry["note"].as_str().unwrap().to_string(),
            ));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Acknowledgements already in the pipe were also promised; count them too.
        for ack in acks.map_while(Result::ok) {
            let entry: serde_json::Value = serde_json::from_str(&ack).unwrap();
            acknowledged.push((
                entry["seq"].as_u64().unwrap(),
                entry["note"].as_str().unwrap().to_string(),
            ));
        }
        feeder.join().unwrap();
    }
    // The next command works (setting aside any torn line) and keeps every acknowledged entry.
    sandbox
        .record(&run, &["text-size", "chrome", "phone", "pass"])
        .success();
    let history = history(&sandbox, &run);
    assert!(
        history.len() > acknowledged.len(),
        "{} entries for {} acks",
        history.len(),
        acknowledged.len()
    );
    for (seq, note) in &acknowledged {
        let entry = &history[(*seq - 1) as usize];
        assert_eq!(entry["seq"].as_u64(), Some(*seq));
        assert_eq!(
            entry["note"].as_str(),
            Some(note.as_str()),
            "entry {seq} lost or changed"
        );
    }
}

#[test]
fn a_torn_last_line_is_ignored_by_readers_and_set_aside_by_the_next_writer() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success();
    let journal = sandbox.journal(&run);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    file.write_all(br#"{"kind":"result","seq":2,"at":"2026-11-2"#)
        .unwrap();
    drop(file);

    sandbox
        .cmd()
        .args(["status", &run])
        .assert()
        .success()
        .stderr(predicate::str::contains("last line is incomplete"))
        .stdout(predicate::str::contains("progress 1/7"));
    sandbox
        .record(&run, &["no-shift", "chrome", "laptop", "pass"])
        .success()
        .stderr(predicate::str::contains("set aside in"))
        .stdout(predicate::str::contains("recorded #2"));
    assert_eq!(sandbox.status(&run)["counts"]["pass"], 2);
    let aside: Vec<_> = std::fs::read_dir(sandbox.run_dir(&run))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("torn-"))
        .collect();
    assert_eq!(aside.len(), 1);
    // Once repaired, reading is quiet again.
    sandbox
        .cmd()
        .args(["status", &run])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
}

#[test]
fn a_damaged_last_line_that_ends_its_line_is_reported_not_taken_for_a_crash() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success();
    let journal = sandbox.journal(&run);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    // A whole line (a crash cannot write the newline and lose what comes before it).
    file.write_all(b"{\"kind\":\"result\",\"seq\":2,\"at\":\"x\"}\n")
        .unwrap();
    drop(file);
    let before = std::fs::read(&journal).unwrap();
    for args in [
        vec!["status", run.as_str()],
        vec![
            "record",
            run.as_str(),
            "no-shift",
            "chrome",
            "laptop",
            "pass",
        ],
    ] {
        sandbox
            .cmd()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("line 2 is not a journal entry"))
            .stderr(predicate::str::contains("a crash").not());
    }
    assert_eq!(
        std::fs::read(&journal).unwrap(),
        before,
        "nothing moved or cut"
    );
}

#[test]
fn a_second_writer_is_told_the_run_is_in_use_and_a_dead_writer_blocks_nobody() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    let mut holder = std::process::Command::new(assert_cmd::cargo::cargo_bin("greenlight"))
        .args(["record", &run, "--batch", "-"])
        .env("GREENLIGHT_HOME", sandbox.home())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = holder.stdin.take().unwrap();
    writeln!(stdin, "{}", batch_line(0, "held")).unwrap();
    let mut acks = BufReader::new(holder.stdout.take().unwrap()).lines();
    assert!(acks.next().unwrap().unwrap().starts_with("recorded #1"));

    sandbox
        .record(&run, &["text-size", "chrome", "phone", "pass"])
        .code(2)
        .stderr(predicate::str::contains(
            "run is in use by another greenlight process",
        ))
        .stderr(predicate::str::contains(format!("pid {}", holder.id())));
    // Readers are not blocked by a writer.
    sandbox.cmd().args(["status", &run]).assert().success();

    holder.kill().unwrap();
    holder.wait().unwrap();
    sandbox
        .record(&run, &["text-size", "chrome", "phone", "pass"])
        .success()
        .stdout(predicate::str::contains("recorded #2"));
}

#[test]
fn a_full_disk_gives_a_clear_error_and_keeps_what_was_recorded() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success();
    let journal = sandbox.journal(&run);
    let before = std::fs::read(&journal).unwrap();
    // A file-size limit a few bytes past the journal: the next append is cut short mid-line,
    // exactly as on a disk that fills up during the write.
    let limit = before.len() as u64 + 10;
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("greenlight"));
    cmd.args([
        "record",
        &run,
        "text-size",
        "chrome",
        "phone",
        "fail",
        "--note",
        "a note long enough to cross the limit",
    ])
    .env("GREENLIGHT_HOME", sandbox.home())
    .env("NO_COLOR", "1");
    // SAFETY: only async-signal-safe libc calls between fork and exec. SIGXFSZ keeps its
    // default (killing the process): greenlight itself must not die of it.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_DFL);
            let rlimit = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rlimit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let output = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nothing was recorded"), "{stderr}");
    assert!(stderr.contains("is the disk full"), "{stderr}");
    assert_eq!(
        std::fs::read(&journal).unwrap(),
        before,
        "the journal must be as it was"
    );
    let status = sandbox.status(&run);
    assert_eq!(status["counts"]["pass"], 1);
    assert_eq!(status["counts"]["fail"], 0);
    sandbox
        .record(&run, &["text-size", "chrome", "phone", "pass"])
        .success();
}

#[test]
fn a_read_only_run_folder_gives_a_clear_error_and_keeps_what_was_recorded() {
    let sandbox = Sandbox::new();
    let run = sandbox.start(&sandbox.fixture("small.yaml"));
    sandbox
        .record(&run, &["no-shift", "chrome", "phone", "pass"])
        .success();
    let dir = sandbox.run_dir(&run);
    let journal = sandbox.journal(&run);
    let before = std::fs::read(&journal).unwrap();
    let set_mode = |path: &std::path::Path, mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    set_mode(&journal, 0o444);
    set_mode(&dir.join("lock"), 0o444);
    set_mode(&dir, 0o555);
    let mut record = sandbox.std_cmd();
    record.args(["record", &run, "text-size", "chrome", "phone", "pass"]);
    // Permissions do not stop root: as root (CI), record as the unprivileged `nobody`, who
    // may read the sandbox but not write the run.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        use std::os::unix::process::CommandExt;
        set_mode(sandbox.path(), 0o755);
        record.uid(65534).gid(65534);
    }
    assert_cmd::Command::from_std(record)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot open"))
        .stderr(predicate::str::contains("Permission denied"));
    set_mode(&dir, 0o755);
    assert_eq!(std::fs::read(&journal).unwrap(), before);
    assert_eq!(sandbox.status(&run)["counts"]["pass"], 1);
}

#[test]
fn a_data_folder_that_cannot_be_created_is_a_clear_error() {
    let sandbox = Sandbox::new();
    let checklist = sandbox.fixture("small.yaml");
    let blocker = sandbox.write("not-a-folder", "a file where the data folder should be");
    sandbox
        .cmd()
        .env("GREENLIGHT_HOME", &blocker)
        .arg("start")
        .arg(&checklist)
        .args(["--release", "r", "--tester", common::TESTER])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot create the runs folder"));
}

#[test]
fn a_batch_is_synced_once_and_a_bad_row_keeps_the_rows_before_it() {
    use greenlight::run::NewResult;
    use greenlight::status::Status;
    let mut walk = common::Walk::new("small.yaml");
    let ok = |item: &str, browser: &str| NewResult::new(item, browser, "phone", Status::Pass);
    let batch = [
        ok("no-shift", "chrome"),
        ok("text-size", "chrome"),
        ok("no-such-item", "chrome"),
        ok("no-shift", "safari"),
    ];
    let flushes = greenlight::fsutil::flushes_on_this_thread;
    let before = flushes();
    let (done, err) = walk
        .session
        .record_all(&batch, common::TESTER)
        .expect_err("the third row names no item");
    assert_eq!(done, 2);
    assert_eq!(flushes() - before, 1, "the two rows before it, synced once");
    assert!(err.to_string().contains("no-such-item"), "{err}");
    assert_eq!(walk.entries().len(), 2);
    // What was recorded is on disk, whole.
    let dir = walk.session.run().dir().to_path_buf();
    let bytes = std::fs::read(dir.join("journal.jsonl")).unwrap();
    let contents = greenlight::journal::parse_journal(&bytes, &dir).unwrap();
    assert_eq!(contents.entries.len(), 2);
    assert!(contents.torn_tail.is_none());
    let many: Vec<NewResult> = ["chrome", "safari"]
        .iter()
        .flat_map(|browser| {
            ["no-shift", "text-size"]
                .map(|item| NewResult::new(item, browser, "phone", Status::Pass))
        })
        .collect();
    let before = flushes();
    let all = walk.session.record_all(&many, common::TESTER).unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(flushes() - before, 1, "four results, one sync at the end");
}
