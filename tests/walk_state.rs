//! The walk's state transitions, driven by keys through the keymap, the app and the real
//! journal, without a terminal.

mod common;

use common::crossterm_key::{KeyCode, KeyEvent, KeyModifiers};
use common::{TESTER, Walk};
use greenlight::checklist::Severity;
use greenlight::journal::Entry;
use greenlight::status::Status;
use greenlight::tui::app::{Action, Effect, Overlay, View};
use greenlight::walk_order::Order;

#[test]
fn the_walk_starts_on_the_first_cell_in_environment_order() {
    let walk = Walk::new("small.yaml");
    assert_eq!(walk.cursor(), "no-shift@chrome/phone");
    assert_eq!(walk.app.order, Order::ByEnvironment);
    assert_eq!(walk.app.view, View::Walk);
}

#[test]
fn pass_records_and_moves_to_the_next_untested_item_of_the_same_environment() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("p");
    assert_eq!(
        walk.status("no-shift", "chrome", "phone"),
        Some(Status::Pass)
    );
    assert_eq!(walk.cursor(), "text-size@chrome/phone");
    walk.keys("p");
    // chrome/phone is done (print-preview is laptop only): on to the next environment.
    assert_eq!(walk.cursor(), "no-shift@chrome/laptop");
    let (text, is_error) = walk.notice().unwrap();
    assert!(
        text.starts_with("recorded pass: text-size in Google Chrome · Phone 390×844"),
        "{text}"
    );
    assert!(!is_error);
}

#[test]
fn by_item_order_walks_one_item_across_every_environment() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("o");
    assert_eq!(walk.app.order, Order::ByItem);
    walk.keys("p");
    assert_eq!(walk.cursor(), "no-shift@chrome/laptop");
    walk.keys("p");
    assert_eq!(walk.cursor(), "no-shift@safari/phone");
    walk.keys("p");
    assert_eq!(walk.cursor(), "text-size@chrome/phone");
}

#[test]
fn a_failure_needs_a_note_and_keeps_the_items_severity_unless_changed() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("j"); // text-size, default severity 3
    walk.keys("f");
    assert!(matches!(walk.app.overlay, Some(Overlay::Fail(_))));
    walk.code(KeyCode::Enter);
    assert!(
        matches!(&walk.app.overlay, Some(Overlay::Fail(_))),
        "still asking"
    );
    let (text, is_error) = walk.notice().unwrap();
    assert!(
        is_error && text.contains("needs a note saying what went wrong"),
        "{text}"
    );
    assert!(walk.entries().is_empty(), "nothing recorded");
    walk.keys("1"); // a digit is text, not a severity
    walk.keys(" line of text cut off");
    walk.code(KeyCode::Enter);
    assert!(walk.app.overlay.is_none(), "saved");
    assert_eq!(
        walk.cursor(),
        "no-shift@chrome/phone",
        "the phone size still has an untested cell: the walk finishes it before moving on"
    );
    let entry = walk.last_result();
    assert_eq!(
        (entry.status, entry.severity, entry.note.as_deref()),
        (
            Status::Fail,
            Some(Severity::MINOR),
            Some("1 line of text cut off")
        )
    );
    assert_eq!(entry.tester, TESTER);
}

#[test]
fn the_fail_dialog_takes_a_severity_by_alt_digit_and_a_multi_line_note() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("f");
    walk.press(KeyEvent::new(KeyCode::Char('1'), KeyModifiers::ALT));
    walk.keys("Hero image");
    walk.press(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT));
    walk.keys("pushes text 2 lines");
    walk.code(KeyCode::Enter);
    let entry = walk.last_result();
    assert_eq!(entry.severity, Some(Severity::BLOCKER));
    assert_eq!(
        entry.note.as_deref(),
        Some("Hero image\npushes text 2 lines"),
        "digits are text"
    );
}

#[test]
fn a_note_starting_with_a_digit_keeps_it_and_the_severity_changes_at_any_time() {
    let mut walk = Walk::new("small.yaml");
    // no-shift's own severity is 1: the dialog opens on blocker.
    walk.keys("f");
    walk.keys("3 home-screen tiles overlap the search bar");
    // After the note has text, Tab still changes the severity: 1 → 2 → 3, Shift-Tab back.
    walk.code(KeyCode::Tab);
    walk.code(KeyCode::Tab);
    walk.code(KeyCode::Tab);
    walk.code(KeyCode::BackTab);
    walk.code(KeyCode::Enter);
    let entry = walk.last_result();
    assert_eq!(
        entry.note.as_deref(),
        Some("3 home-screen tiles overlap the search bar"),
        "not a character lost"
    );
    assert_eq!(entry.severity, Some(Severity::MINOR));
    // Typed at full speed from the first key: "1 more" is a note, not a blocker.
    walk.keys("f1 more overlap");
    walk.code(KeyCode::Enter);
    let entry = walk.last_result();
    assert_eq!(entry.note.as_deref(), Some("1 more overlap"));
}

#[test]
fn blocked_and_skip_need_a_note_and_keep_the_dialog_until_they_have_one() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("b");
    walk.code(KeyCode::Enter);
    assert!(
        matches!(walk.app.overlay, Some(Overlay::Note(_))),
        "still asking for a note"
    );
    assert!(walk.notice().unwrap().1);
    assert!(walk.entries().is_empty());
    walk.keys("no iPhone today");
    walk.code(KeyCode::Enter);
    assert_eq!(
        walk.status("no-shift", "chrome", "phone"),
        Some(Status::Blocked)
    );

    walk.keys("s");
    walk.code(KeyCode::Esc);
    assert!(walk.app.overlay.is_none());
    assert_eq!(walk.entries().len(), 1, "Esc records nothing");
    walk.keys("s");
    walk.keys("covered by unit tests");
    walk.code(KeyCode::Enter);
    assert_eq!(
        walk.status("text-size", "chrome", "phone"),
        Some(Status::Skip)
    );
}

#[test]
fn undo_is_an_entry_and_puts_the_cursor_back_on_the_cell() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("p");
    assert_eq!(walk.cursor(), "text-size@chrome/phone");
    walk.keys("u");
    assert_eq!(walk.status("no-shift", "chrome", "phone"), None);
    assert_eq!(walk.cursor(), "no-shift@chrome/phone");
    assert!(matches!(walk.entries().last(), Some(Entry::Undo(u)) if u.undoes == 1));
    walk.keys("u");
    assert!(walk.notice().unwrap().0.contains("nothing to undo"));
}

#[test]
fn editing_a_note_keeps_the_status_severity_and_evidence() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("n");
    assert!(walk.notice().unwrap().1, "no result to annotate yet");
    walk.keys("f");
    walk.press(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::ALT));
    walk.keys("logo overlaps");
    walk.code(KeyCode::Enter);
    walk.keys("k"); // back to no-shift
    let evidence = walk.home.path().join("shot.png");
    std::fs::write(&evidence, "png").unwrap();
    walk.keys("e");
    walk.keys(evidence.to_str().unwrap());
    walk.code(KeyCode::Enter);
    walk.keys("k");
    walk.keys("n");
    walk.keys(", now with more");
    walk.code(KeyCode::Enter);
    let entry = walk.last_result();
    assert_eq!(entry.seq, 3);
    assert_eq!(
        (entry.status, entry.severity),
        (Status::Fail, Some(Severity::MAJOR))
    );
    assert_eq!(entry.note.as_deref(), Some("logo overlaps, now with more"));
    assert_eq!(entry.evidence.len(), 1, "the evidence stays attached");
}

#[test]
fn a_failed_write_says_so_keeps_the_dialog_and_shows_nothing_as_recorded() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("p");
    walk.keys("k");
    walk.keys("e");
    walk.keys("/no/such/file.png");
    walk.code(KeyCode::Enter);
    let (text, is_error) = walk.notice().unwrap();
    assert!(is_error && text.starts_with("not recorded"), "{text}");
    assert!(
        matches!(walk.app.overlay, Some(Overlay::Evidence(_))),
        "what was typed is kept"
    );
    assert_eq!(walk.entries().len(), 1);
}

#[test]
fn moving_between_items_and_environments_skips_cells_that_do_not_apply() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("G");
    assert_eq!(
        walk.cursor(),
        "text-size@chrome/phone",
        "print-preview is laptop only"
    );
    walk.keys("l");
    assert_eq!(walk.cursor(), "text-size@chrome/laptop");
    walk.keys("j");
    assert_eq!(walk.cursor(), "print-preview@chrome/laptop");
    walk.code(KeyCode::Tab);
    assert_eq!(
        walk.cursor(),
        "text-size@safari/phone",
        "nearest item that applies"
    );
    walk.keys("l");
    assert_eq!(
        walk.cursor(),
        "text-size@safari/phone",
        "no environment after the last"
    );
    walk.code(KeyCode::BackTab);
    walk.keys("g");
    assert_eq!(walk.cursor(), "no-shift@chrome/laptop");
    walk.code(KeyCode::Down);
    walk.code(KeyCode::Up);
    assert_eq!(walk.cursor(), "no-shift@chrome/laptop");
}

#[test]
fn the_filter_limits_navigation_and_esc_clears_it() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("l"); // chrome/laptop, where all three items apply
    walk.keys("/");
    walk.keys("PRINT");
    assert_eq!(
        walk.cursor(),
        "print-preview@chrome/laptop",
        "the cursor follows the filter"
    );
    walk.code(KeyCode::Enter);
    assert!(walk.app.overlay.is_none());
    assert_eq!(walk.app.filter(), "print");
    walk.keys("k");
    assert_eq!(
        walk.cursor(),
        "print-preview@chrome/laptop",
        "hidden items are skipped"
    );
    walk.code(KeyCode::Esc);
    assert_eq!(walk.app.filter(), "");
    walk.keys("k");
    assert_eq!(walk.cursor(), "text-size@chrome/laptop");
}

#[test]
fn views_switch_and_enter_in_the_matrix_walks_the_cell() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("m");
    assert_eq!(walk.app.view, View::Matrix);
    walk.keys("jl");
    walk.code(KeyCode::Enter);
    assert_eq!(walk.app.view, View::Walk);
    assert_eq!(walk.cursor(), "text-size@chrome/laptop");
    walk.keys("S");
    assert_eq!(walk.app.view, View::Summary);
    walk.code(KeyCode::Esc);
    assert_eq!(walk.app.view, View::Walk);
    walk.keys("?");
    assert!(matches!(walk.app.overlay, Some(Overlay::Help(_))));
    walk.code(KeyCode::Esc);
    assert!(walk.app.overlay.is_none());
}

#[test]
fn a_click_selects_the_cell_drawn_there() {
    let mut walk = Walk::new("small.yaml");
    let rect = ratatui::layout::Rect::new(10, 5, 3, 1);
    let target = greenlight::checklist::Cell {
        item: 1,
        environment: 1,
    };
    walk.app.hits.targets.push((rect, target));
    walk.act(Action::Click { column: 11, row: 5 });
    assert_eq!(walk.cursor(), "text-size@chrome/laptop");
    walk.act(Action::Click { column: 50, row: 5 });
    assert_eq!(
        walk.cursor(),
        "text-size@chrome/laptop",
        "a click on nothing changes nothing"
    );
    walk.act(Action::ScrollDown);
    assert_eq!(walk.cursor(), "print-preview@chrome/laptop");
}

#[test]
fn x_fills_the_browsers_launch_template_or_says_why_it_cannot() {
    let mut walk = Walk::new("small.yaml");
    let argv: Vec<String> = vec![
        "chromium".into(),
        "--window-size=390,844".into(),
        "https://staging.example.com/dashboard".into(),
    ];
    // The first time, the command is shown whole and nothing runs until it is allowed.
    assert_eq!(walk.act(Action::Launch), None);
    let Some(Overlay::ConfirmLaunch(request)) = &walk.app.overlay else {
        panic!("no question: {:?}", walk.app.overlay);
    };
    assert_eq!(request.argv, argv);
    walk.keys("n");
    assert!(walk.app.overlay.is_none());
    assert!(walk.notice().unwrap().0.contains("was not allowed"));
    assert_eq!(walk.act(Action::Launch), None, "a no is asked again");
    assert!(matches!(
        walk.act(Action::Yes),
        Some(Effect::AllowLaunch { argv: allowed, .. }) if allowed == argv
    ));
    // Allowed once, it runs at once.
    assert_eq!(walk.act(Action::Launch), Some(Effect::Launch(argv.clone())));
    // Turned off, nothing runs and `x` says why.
    walk.app.launch_policy.off = true;
    assert_eq!(walk.act(Action::Launch), None);
    assert!(
        walk.notice()
            .unwrap()
            .0
            .contains("starting browsers is off")
    );
    walk.app.launch_policy.off = false;
    walk.keys("lll"); // safari has no launch command
    assert_eq!(walk.cursor(), "no-shift@safari/phone");
    assert_eq!(walk.act(Action::Launch), None);
    assert!(
        walk.notice()
            .unwrap()
            .0
            .contains("Safari has no `launch` command")
    );
}

#[test]
fn q_quits_from_every_view_and_ctrl_c_from_anywhere_but_q_in_a_note_is_text() {
    let quit = |walk: &mut Walk, key: KeyEvent| {
        let action = greenlight::tui::keymap::action_for(walk.app.mode(), key)?;
        walk.app.handle(walk.session.run(), action)
    };
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for view in ["", "m", "S"] {
        let mut walk = Walk::new("small.yaml");
        walk.keys(view);
        assert_eq!(quit(&mut walk, q), Some(Effect::Quit), "q in view {view:?}");
        assert_eq!(
            quit(&mut walk, ctrl_c),
            Some(Effect::Quit),
            "Ctrl-C in view {view:?}"
        );
    }
    for dialog in ["b", "f", "?", "/"] {
        let mut walk = Walk::new("small.yaml");
        walk.keys(dialog);
        assert!(walk.app.overlay.is_some(), "{dialog} opens a dialog");
        assert_eq!(
            quit(&mut walk, ctrl_c),
            Some(Effect::Quit),
            "Ctrl-C in {dialog}"
        );
    }
    let mut walk = Walk::new("small.yaml");
    walk.keys("b");
    assert_eq!(quit(&mut walk, q), None, "q in a note is a letter");
    walk.code(KeyCode::Enter);
    assert_eq!(walk.last_result().note.as_deref(), Some("q"));
}

#[test]
fn resuming_starts_on_the_first_untested_cell() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("pp");
    walk.app = greenlight::tui::app::App::new(walk.session.run());
    assert_eq!(walk.cursor(), "no-shift@chrome/laptop");
}

#[test]
fn next_untested_wraps_round_and_skips_what_is_done() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("ll");
    walk.keys("j");
    assert_eq!(
        walk.cursor(),
        "text-size@safari/phone",
        "the last cell in environment order"
    );
    walk.keys("p");
    assert_eq!(
        walk.cursor(),
        "no-shift@safari/phone",
        "the rest of this environment first, wrapping round within it"
    );
    assert!(walk.app.overlay.is_none());
    walk.keys("p");
    assert_eq!(
        walk.cursor(),
        "no-shift@chrome/phone",
        "then round to the first environment"
    );
    assert!(matches!(walk.app.overlay, Some(Overlay::Crossing(_))));
    walk.code(KeyCode::Enter);
    assert_eq!(
        walk.pass_cells(4),
        1,
        "one card: from the phone to the laptop"
    );
    assert_eq!(
        walk.cursor(),
        "print-preview@chrome/laptop",
        "the one cell left"
    );
    walk.keys("p");
    assert_eq!(
        walk.cursor(),
        "print-preview@chrome/laptop",
        "nothing left: the cursor stays"
    );
    assert!(walk.notice().unwrap().0.contains("every cell has a result"));
    walk.keys("u");
    walk.keys("o");
    walk.keys("g");
    walk.act(Action::Down);
    // A pass over a cell that has one already takes a second `p`.
    walk.keys("pp");
    assert_eq!(
        walk.cursor(),
        "print-preview@chrome/laptop",
        "by item, on to the undone cell"
    );
}

#[test]
fn reflex_keys_after_attaching_evidence_or_after_the_last_cell_record_nothing() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("f");
    walk.keys("the hero image covers the headline");
    walk.code(KeyCode::Enter);
    // Back to the failure to attach a screenshot; the cursor stays there.
    walk.keys("k");
    let shot = walk.home.path().join("shot.png");
    std::fs::write(&shot, "png").unwrap();
    walk.keys("e");
    walk.keys(shot.to_str().unwrap());
    walk.code(KeyCode::Enter);
    assert_eq!(walk.cursor(), "no-shift@chrome/phone");
    let entries = walk.entries().len();
    // The reflex `p`: nothing is recorded, and the status line says what the cell holds.
    walk.keys("p");
    assert_eq!(walk.entries().len(), entries);
    assert_eq!(
        walk.status("no-shift", "chrome", "phone"),
        Some(Status::Fail)
    );
    let (text, _) = walk.notice().unwrap();
    assert!(
        text.contains("already fail: the hero image covers the headline")
            && text.contains("p again"),
        "{text}"
    );
    // Anything else in between disarms it: `p` asks again.
    walk.keys("j");
    walk.keys("k");
    walk.keys("p");
    assert_eq!(walk.entries().len(), entries);
    // Meant: a second `p` at once passes it (a re-test after the fix).
    walk.keys("p");
    assert_eq!(
        walk.status("no-shift", "chrome", "phone"),
        Some(Status::Pass)
    );

    // After the last cell, an extra `p` records nothing more.
    let mut walk = Walk::new("small.yaml");
    let cards = walk.pass_cells(7);
    assert_eq!(walk.session.run().counts().untested, 0, "{cards} cards");
    let entries = walk.entries().len();
    walk.keys("p");
    assert_eq!(walk.entries().len(), entries, "not recorded twice");
    assert!(walk.notice().unwrap().0.contains("already pass"));
}

#[test]
fn a_re_test_shows_what_the_previous_run_found_and_offers_its_note_again() {
    use std::sync::Arc;
    let mut before = Walk::new("small.yaml");
    before.keys("f");
    before.code(KeyCode::Tab); // blocker → major
    before.keys("3 tiles overlap the search bar");
    before.code(KeyCode::Enter);
    let earlier = greenlight::earlier::EarlierResults::of(before.session.run());
    let mut walk = Walk::new("small.yaml");
    walk.app.earlier = Some(Arc::new(earlier));
    // Failing again offers the earlier note and severity, to keep or change.
    walk.keys("f");
    match &walk.app.overlay {
        Some(Overlay::Fail(dialog)) => {
            assert_eq!(dialog.note().lines(), ["3 tiles overlap the search bar"]);
            assert_eq!(dialog.severity(), Severity::MAJOR);
        }
        other => panic!("{other:?}"),
    }
    walk.keys(", still");
    walk.code(KeyCode::Enter);
    assert_eq!(
        walk.last_result().note.as_deref(),
        Some("3 tiles overlap the search bar, still")
    );
    // A cell the earlier run did not fail offers nothing: the note is the tester's own.
    walk.keys("f");
    assert!(matches!(&walk.app.overlay, Some(Overlay::Fail(d)) if d.note().lines() == [""]));
}

/// A copy of a committed fixture key in the walk's home, readable only by its owner.
fn fixture_key(walk: &Walk, name: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name);
    let key = walk.home.path().join(name);
    std::fs::copy(&source, &key).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    key
}

/// The sign-off folders the walk wrote, by name.
fn signoffs(walk: &Walk) -> Vec<String> {
    let folder = walk.home.path().join(".greenlight/signoffs");
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn the_summary_approves_only_when_the_policy_passes_and_rejects_with_a_reason() {
    use greenlight::signoff::statement::Decision;
    use greenlight::tui::event_loop::Flow;
    let mut walk = Walk::new("small.yaml");
    let key = fixture_key(&walk, "id_ed25519");
    walk.sign_with(&key);
    walk.keys("S");
    walk.keys("a");
    assert!(walk.app.overlay.is_none());
    let (text, is_error) = walk.notice().unwrap();
    assert!(
        is_error && text.contains("cannot approve: blocked"),
        "{text}"
    );
    // The refusal holds typed characters: an `r` typed on opens nothing.
    walk.keys("r");
    assert!(walk.app.overlay.is_none());
    walk.code(KeyCode::Esc);
    assert!(walk.notice().is_none(), "Esc dismissed it");
    walk.keys("r");
    assert!(matches!(walk.app.overlay, Some(Overlay::Signoff(_))));
    assert_eq!(
        walk.act(Action::Confirm),
        None,
        "a rejection needs a reason"
    );
    walk.keys("hero image broken");
    walk.act(Action::Confirm);
    // Nothing is signed before the tester says yes to what will be signed.
    assert!(matches!(
        &walk.app.overlay,
        Some(Overlay::ConfirmSignoff(dialog)) if dialog.pending.decision == Decision::Rejected
    ));
    assert!(signoffs(&walk).is_empty());
    walk.code(KeyCode::Esc);
    assert!(
        matches!(&walk.app.overlay, Some(Overlay::Signoff(d)) if d.comment().lines()[0] == "hero image broken"),
        "back to the comment, kept"
    );
    walk.act(Action::Confirm);
    walk.keys("yes");
    walk.code(KeyCode::Enter);
    assert!(
        matches!(&walk.flow, Some(Flow::Signed(lines)) if lines[0].starts_with("rejected release 1.4.0")),
        "{:?}",
        walk.flow
    );
    let run = walk.session.run().meta().id.clone();
    assert_eq!(signoffs(&walk), std::slice::from_ref(&run));

    // Everything passed: the approval goes to a folder of its own, never over the rejection.
    walk.flow = None;
    walk.code(KeyCode::Esc);
    walk.pass_cells(7);
    assert_eq!(walk.session.run().counts().untested, 0);
    walk.keys("S");
    walk.keys("a");
    walk.act(Action::Confirm);
    walk.keys("yes");
    walk.code(KeyCode::Enter);
    assert!(matches!(&walk.flow, Some(Flow::Signed(lines)) if lines[0].starts_with("approved")));
    assert_eq!(signoffs(&walk), [run.clone(), format!("{run}-2")]);
}

#[test]
fn letters_typed_after_a_refusal_never_sign_a_rejection() {
    let mut walk = Walk::new("small.yaml");
    let key = fixture_key(&walk, "id_ed25519");
    walk.sign_with(&key);
    walk.keys("S");
    // `a` is refused; the tester, not looking, types the comment on and presses Enter.
    walk.keys("a");
    walk.keys("approved after the fix, ready to ship");
    walk.code(KeyCode::Enter);
    walk.keys("yyy");
    assert!(walk.app.overlay.is_none(), "{:?}", walk.app.overlay);
    assert!(walk.flow.is_none(), "nothing signed: {:?}", walk.flow);
    assert!(signoffs(&walk).is_empty());
}

#[test]
fn enter_meant_as_a_new_line_and_typing_on_signs_nothing() {
    let mut walk = Walk::new("small.yaml");
    let key = fixture_key(&walk, "id_ed25519");
    walk.sign_with(&key);
    walk.keys("S");
    walk.keys("r");
    // Enter, meant as a new line, then the rest of the comment: its `y`s sign nothing, and
    // what was typed goes back into the comment.
    walk.keys("Hero image broken.");
    walk.code(KeyCode::Enter);
    walk.keys("Keyboard focus lost too, mostly on display");
    walk.code(KeyCode::Enter);
    assert!(walk.flow.is_none(), "nothing signed: {:?}", walk.flow);
    assert!(signoffs(&walk).is_empty());
    assert!(
        matches!(&walk.app.overlay, Some(Overlay::Signoff(d)) if d.comment().lines() == ["Hero image broken.", "Keyboard focus lost too, mostly on display"]),
        "{:?}",
        walk.app.overlay
    );
}

#[test]
fn the_passphrase_is_asked_in_the_walk_three_times_and_the_comment_survives() {
    use greenlight::tui::event_loop::Flow;
    let mut walk = Walk::new("small.yaml");
    let key = fixture_key(&walk, "id_ecdsa-31-encrypted");
    walk.sign_with(&key);
    walk.keys("S");
    walk.keys("r");
    walk.keys("logo overlaps the menu");
    walk.code(KeyCode::Enter);
    walk.keys("yes");
    walk.code(KeyCode::Enter);
    assert!(matches!(&walk.app.overlay, Some(Overlay::Passphrase(d)) if d.tries_left == 3));
    for tries_left in [2, 1] {
        walk.keys("not it");
        walk.code(KeyCode::Enter);
        assert!(
            matches!(&walk.app.overlay, Some(Overlay::Passphrase(d)) if d.tries_left == tries_left && d.wrong),
            "{:?}",
            walk.app.overlay
        );
    }
    walk.keys("still not it");
    walk.code(KeyCode::Enter);
    assert!(walk.app.overlay.is_none());
    assert!(walk.notice().unwrap().0.contains("three wrong passphrases"));
    assert!(signoffs(&walk).is_empty());
    // Were the walk to end here, the comment is among what was typed and not saved.
    assert_eq!(
        walk.app.comment_draft(),
        Some((
            greenlight::signoff::statement::Decision::Rejected,
            "logo overlaps the menu"
        ))
    );
    // The comment is kept: `r` again offers it, and a pasted passphrase (with the line end a
    // password manager adds) signs.
    walk.code(KeyCode::Esc);
    walk.keys("r");
    assert!(
        matches!(&walk.app.overlay, Some(Overlay::Signoff(d)) if d.comment().lines()[0] == "logo overlaps the menu")
    );
    walk.code(KeyCode::Enter);
    walk.keys("yes");
    walk.code(KeyCode::Enter);
    walk.paste("correct horse battery staple\n");
    walk.code(KeyCode::Enter);
    assert!(
        matches!(&walk.flow, Some(Flow::Signed(lines)) if lines[0].starts_with("rejected")),
        "{:?} {:?}",
        walk.flow,
        walk.notice()
    );
    assert_eq!(
        walk.app.comment_draft(),
        None,
        "signed: nothing left unsaved"
    );
}

#[test]
fn nothing_is_recorded_blind_while_the_terminal_is_too_small() {
    let mut walk = Walk::new("small.yaml");
    walk.app.screen_too_small = true;
    walk.keys("pfb");
    assert!(walk.entries().is_empty());
    assert!(walk.app.overlay.is_none());
    assert_eq!(
        walk.act(Action::Quit),
        Some(Effect::Quit),
        "quitting still works"
    );
    walk.app.screen_too_small = false;
    walk.keys("p");
    assert_eq!(walk.entries().len(), 1);
}

#[test]
fn the_filter_keeps_the_environment_the_tester_set_up() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("ll");
    assert_eq!(walk.cursor(), "no-shift@safari/phone");
    walk.keys("/");
    walk.keys("body");
    assert_eq!(walk.cursor(), "text-size@safari/phone");
}

#[test]
fn a_changed_note_or_new_evidence_stays_on_its_cell() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("p");
    walk.keys("k");
    walk.keys("n");
    walk.keys("hello");
    walk.code(KeyCode::Enter);
    assert_eq!(walk.cursor(), "no-shift@chrome/phone");
    assert!(walk.notice().unwrap().0.starts_with("note saved"));
    let entry = walk.last_result();
    assert_eq!(
        (entry.status, entry.note.as_deref()),
        (Status::Pass, Some("hello"))
    );
}

#[test]
fn alt_enter_in_the_fail_dialog_starts_a_note_line_instead_of_saving() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("f");
    walk.press(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT));
    assert!(walk.entries().is_empty());
    assert!(matches!(&walk.app.overlay, Some(Overlay::Fail(_))));
}

#[test]
fn help_scrolls_with_j_and_k() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("?jjk");
    assert!(matches!(
        &walk.app.overlay,
        Some(Overlay::Help(panel)) if panel.scroll() == 1
    ));
    walk.keys("q");
    assert!(walk.app.overlay.is_none());
}

#[test]
fn a_paste_is_text_for_the_open_field_and_nothing_anywhere_else() {
    let mut walk = Walk::new("small.yaml");
    let before = walk.cursor();
    walk.paste("s\nq\np");
    assert!(walk.entries().is_empty(), "a paste is never keys");
    assert_eq!(walk.cursor(), before);
    let (text, is_error) = walk.notice().unwrap();
    assert!(is_error && text.contains("paste was ignored"), "{text}");

    // In the fail dialog, before any key: the paste goes to the note, all of it, and a
    // copied escape sequence is dropped.
    walk.keys("f");
    walk.paste("TypeError: x\r\n    at layout (app.js:88)\u{1b}[31m\r\n    at render");
    assert!(matches!(&walk.app.overlay, Some(Overlay::Fail(_))));
    walk.code(KeyCode::Enter);
    assert_eq!(
        walk.last_result().note.as_deref(),
        Some("TypeError: x\n    at layout (app.js:88)[31m\n    at render")
    );

    // A one-line field takes the lines joined.
    walk.keys("/");
    walk.paste("text\nsize\n");
    assert_eq!(walk.app.filter(), "text size");
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn shifted(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT)
}

#[test]
fn reaching_another_environment_stops_on_a_card_until_the_tester_starts_it() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("pp");
    let Some(Overlay::Crossing(card)) = walk.app.overlay else {
        panic!(
            "no card after the phone's last cell: {:?}",
            walk.app.overlay
        );
    };
    let label = |e| walk.session.run().checklist().environment_label(e);
    assert_eq!(
        (label(card.from), label(card.to)),
        (
            "Google Chrome · Phone 390×844".to_string(),
            "Google Chrome · Laptop 1366×768".to_string()
        )
    );
    assert_eq!(walk.cursor(), "no-shift@chrome/laptop");

    walk.keys("p");
    assert_eq!(walk.entries().len(), 2, "a pass by reflex records nothing");
    let (text, _) = walk.notice().unwrap();
    assert!(
        text.contains("`p` does nothing yet: set up Google Chrome · Laptop 1366×768"),
        "{text}"
    );
    assert_eq!(walk.act(Action::Launch), None);
    assert!(
        matches!(&walk.app.overlay, Some(Overlay::ConfirmLaunch(request)) if request.argv.contains(&"--window-size=1366,768".to_string())),
        "x asks to open the new size: {:?}",
        walk.app.overlay
    );
    walk.keys("y");
    assert!(
        matches!(walk.app.overlay, Some(Overlay::Crossing(_))),
        "the card is back once the question is answered"
    );
    assert!(
        matches!(walk.act(Action::Launch), Some(Effect::Launch(argv)) if argv.contains(&"--window-size=1366,768".to_string())),
        "allowed, x opens the new size at once"
    );
    assert!(
        matches!(walk.app.overlay, Some(Overlay::Crossing(_))),
        "x keeps the card"
    );

    walk.keys("u");
    assert!(walk.app.overlay.is_none());
    assert_eq!(
        walk.cursor(),
        "text-size@chrome/phone",
        "back to the undone cell"
    );
    walk.keys("p");
    assert!(matches!(walk.app.overlay, Some(Overlay::Crossing(_))));
    walk.code(KeyCode::Enter);
    walk.keys("p");
    assert_eq!(
        walk.status("no-shift", "chrome", "laptop"),
        Some(Status::Pass),
        "after Enter the walk goes on"
    );

    // By item, every step changes environment: no card.
    let mut by_item = Walk::new("small.yaml");
    by_item.keys("o");
    by_item.keys("ppp");
    assert!(by_item.app.overlay.is_none());
    assert_eq!(by_item.entries().len(), 3);
}

#[test]
fn pickers_reach_any_environment_or_section_in_two_keys() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("v");
    assert!(matches!(walk.app.overlay, Some(Overlay::Picker(_))));
    walk.keys("saf");
    walk.code(KeyCode::Enter);
    assert!(walk.app.overlay.is_none());
    assert_eq!(walk.cursor(), "no-shift@safari/phone");

    walk.keys("p"); // no-shift passes on Safari; the next pick lands on what is untested
    walk.keys("v");
    walk.keys("safari");
    walk.code(KeyCode::Enter);
    assert_eq!(walk.cursor(), "text-size@safari/phone");

    // Print preview applies to the laptop only: the section picker finds it there.
    walk.keys("t");
    walk.keys("PRI");
    walk.code(KeyCode::Enter);
    assert_eq!(walk.cursor(), "print-preview@chrome/laptop");

    walk.keys("v");
    walk.keys("opera");
    walk.code(KeyCode::Enter);
    assert!(
        matches!(walk.app.overlay, Some(Overlay::Picker(_))),
        "nothing to go to"
    );
    walk.code(KeyCode::Esc);
    assert_eq!(walk.cursor(), "print-preview@chrome/laptop");
}

/// A run with a failure on Chrome's laptop, a block on Chrome's phone and a skip on
/// Safari's phone, the cursor on the first cell.
fn with_problems() -> Walk {
    let mut walk = Walk::new("small.yaml");
    walk.keys("b");
    walk.keys("no phone");
    walk.code(KeyCode::Enter);
    walk.keys("p");
    walk.code(KeyCode::Enter); // the laptop card
    walk.keys("p");
    walk.keys("f");
    walk.keys("2wraps badly");
    walk.code(KeyCode::Enter);
    walk.keys("p");
    walk.code(KeyCode::Enter); // the Safari card
    walk.keys("p");
    walk.keys("s");
    walk.keys("later");
    walk.code(KeyCode::Enter);
    walk.keys("g");
    walk.act(Action::First);
    walk.keys("v");
    walk.keys("chrome phone");
    walk.code(KeyCode::Enter);
    walk.act(Action::First);
    walk
}

#[test]
fn brackets_go_to_the_next_and_previous_failed_blocked_or_skipped_cell() {
    let mut walk = with_problems();
    assert_eq!(walk.cursor(), "no-shift@chrome/phone");
    walk.keys("]");
    assert_eq!(walk.cursor(), "text-size@chrome/laptop");
    walk.keys("]");
    assert_eq!(walk.cursor(), "text-size@safari/phone");
    walk.keys("]");
    assert_eq!(walk.cursor(), "no-shift@chrome/phone", "round to the start");
    walk.keys("[");
    assert_eq!(walk.cursor(), "text-size@safari/phone");

    let mut clean = Walk::new("small.yaml");
    clean.keys("p");
    clean.keys("]");
    let (text, _) = clean.notice().unwrap();
    assert!(
        text.contains("no failed, blocked or skipped cell"),
        "{text}"
    );
}

#[test]
fn enter_on_the_summary_walks_the_selected_cell() {
    let mut walk = with_problems();
    walk.keys("S");
    assert_eq!(walk.app.view, View::Summary);
    walk.keys("j");
    walk.code(KeyCode::Enter);
    assert_eq!(walk.app.view, View::Walk);
    assert_eq!(
        walk.cursor(),
        "no-shift@chrome/phone",
        "the summary lists failures, then blocked, then skipped: the second is the block"
    );
    walk.keys("S");
    assert_eq!(
        walk.app.summary_selected, 0,
        "the list starts at the top again"
    );
    walk.keys("jjjjjj");
    walk.code(KeyCode::Enter);
    assert_eq!(
        walk.cursor(),
        "text-size@safari/phone",
        "the selection stops at the last"
    );
}

fn dialog_text(walk: &Walk) -> String {
    match &walk.app.overlay {
        Some(Overlay::Fail(dialog)) => dialog.note().lines().join("\n"),
        Some(Overlay::Note(dialog)) => dialog.note().lines().join("\n"),
        Some(Overlay::Signoff(dialog)) => dialog.comment().lines().join("\n"),
        other => panic!("no text field open: {other:?}"),
    }
}

#[test]
fn text_typed_is_never_thrown_away_silently() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("f");
    walk.keys("hero image overlaps the");
    walk.code(KeyCode::Esc);
    assert!(walk.app.overlay.is_none());
    assert!(walk.entries().is_empty(), "Esc saves nothing");
    let (text, is_error) = walk.notice().unwrap();
    assert!(!is_error && text.contains("kept as a draft"), "{text}");
    walk.keys("f");
    assert_eq!(dialog_text(&walk), "hero image overlaps the");
    walk.keys(" menu");

    // Ctrl-C in a field with text keeps it and closes the field; the next Ctrl-C quits.
    assert_eq!(walk.app.handle(walk.session.run(), Action::Quit), None);
    assert!(walk.app.overlay.is_none());
    assert!(walk.notice().unwrap().0.contains("Ctrl-C again quits"));
    let drafts: Vec<(String, String)> = walk
        .app
        .drafts()
        .map(|(cell, text)| (format!("{cell:?}"), text.to_string()))
        .collect();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].1, "hero image overlaps the menu");
    assert_eq!(
        walk.app.handle(walk.session.run(), Action::Quit),
        Some(Effect::Quit)
    );

    // A draft belongs to its cell, and goes once saved.
    walk.keys("j");
    walk.keys("b");
    assert_eq!(dialog_text(&walk), "", "another cell has no draft");
    walk.code(KeyCode::Esc);
    walk.keys("k");
    walk.keys("f");
    walk.code(KeyCode::Enter);
    assert_eq!(
        walk.last_result().note.as_deref(),
        Some("hero image overlaps the menu")
    );
    assert_eq!(walk.app.drafts().count(), 0);

    // Opening a saved note and closing it unchanged is no draft.
    walk.code(KeyCode::Enter);
    walk.keys("k");
    walk.keys("n");
    walk.code(KeyCode::Esc);
    assert_eq!(walk.app.drafts().count(), 0);
    assert!(walk.app.notice.is_none(), "{:?}", walk.notice());
    // A rejection's reason comes back for a rejection only.
    walk.keys("S");
    walk.keys("r");
    walk.keys("not today");
    walk.code(KeyCode::Esc);
    walk.keys("r");
    assert_eq!(dialog_text(&walk), "not today");
}

#[test]
fn keys_that_do_nothing_say_so_and_capitals_suggest_caps_lock() {
    let mut walk = Walk::new("small.yaml");
    walk.press(shifted('Z'));
    let (text, is_error) = walk.notice().unwrap();
    assert!(
        is_error && text == "`Z` does nothing here — ? for help",
        "{text}"
    );
    assert!(!walk.app.caps_lock_suspected);

    walk.press(shifted('P'));
    assert!(walk.entries().is_empty(), "P is not p");
    assert!(walk.app.caps_lock_suspected);
    let (text, _) = walk.notice().unwrap();
    assert!(
        text.contains("Caps Lock") && text.contains("`p` would"),
        "{text}"
    );
    walk.press(ctrl('k'));
    assert!(
        walk.notice()
            .unwrap()
            .0
            .starts_with("`Ctrl-k` does nothing")
    );
    walk.keys("j");
    assert!(
        !walk.app.caps_lock_suspected,
        "a lower-case letter clears the guess"
    );

    walk.keys("f");
    walk.press(shifted('Z'));
    assert_eq!(dialog_text(&walk), "Z", "in a field every key is text");
}

#[test]
fn a_screenshot_is_attached_to_the_cell_now_or_with_its_next_result() {
    let mut walk = Walk::new("small.yaml");
    walk.keys("c");
    let (text, is_error) = walk.notice().unwrap();
    assert!(is_error && text.contains("no screenshot command"), "{text}");

    walk.options.capture = Some("printf 'PNG' > {file}".into());
    walk.keys("c");
    assert!(
        walk.entries().is_empty(),
        "no result yet: the screenshot waits"
    );
    assert!(
        walk.notice()
            .unwrap()
            .0
            .contains("attached with the result")
    );
    walk.keys("f");
    walk.keys("layout shift");
    walk.code(KeyCode::Enter);
    let failed = walk.last_result();
    assert_eq!(failed.evidence.len(), 1, "{failed:?}");
    assert_eq!(
        failed.evidence[0].sha256,
        greenlight::fsutil::sha256_hex(b"PNG")
    );

    walk.keys("k");
    assert_eq!(walk.cursor(), "no-shift@chrome/phone");
    walk.keys("c");
    assert_eq!(walk.cursor(), "no-shift@chrome/phone", "the cursor stays");
    let again = walk.last_result();
    assert_eq!(
        (again.status, again.note.as_deref(), again.evidence.len()),
        (Status::Fail, Some("layout shift"), 2),
        "the result is repeated with both screenshots"
    );
    assert!(walk.notice().unwrap().0.contains("evidence attached"));

    walk.options.capture = Some("echo 'grim: no wayland' >&2; exit 1 # {file}".into());
    walk.keys("c");
    let (text, is_error) = walk.notice().unwrap();
    assert!(is_error && text.contains("grim: no wayland"), "{text}");
    assert_eq!(walk.entries().len(), 2);
}

#[test]
fn a_passphrase_being_typed_is_never_shown_in_debug_output_and_can_be_corrected() {
    let mut walk = Walk::new("small.yaml");
    let key = fixture_key(&walk, "id_ecdsa-31-encrypted");
    walk.sign_with(&key);
    walk.keys("S");
    walk.keys("r");
    walk.keys("menu overlaps");
    walk.code(KeyCode::Enter);
    walk.keys("yes");
    walk.code(KeyCode::Enter);
    walk.keys("hunter22");
    walk.code(KeyCode::Backspace);
    let Some(Overlay::Passphrase(dialog)) = &walk.app.overlay else {
        panic!("{:?}", walk.app.overlay);
    };
    assert_eq!(dialog.typed_chars(), 7, "Backspace took one back");
    // The footer offers what this field does: no "new line" in a passphrase.
    let footer: Vec<_> = greenlight::tui::keymap::bindings(walk.app.mode())
        .iter()
        .filter_map(|b| b.hint)
        .collect();
    assert!(
        footer.contains(&"sign") && !footer.contains(&"new line"),
        "{footer:?}"
    );
    let shown = format!("{:?}", walk.app.overlay);
    assert!(
        !shown.contains("hunter"),
        "a log or panic message never holds it: {shown}"
    );
    // Ctrl-U empties the field, and an empty field signs nothing.
    walk.press(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    walk.code(KeyCode::Enter);
    assert!(
        matches!(&walk.app.overlay, Some(Overlay::Passphrase(d)) if d.typed_chars() == 0 && !d.wrong)
    );
}
