//! Attaching from the interface: `a` in the reader and `Alt-A` in the editor open a path prompt;
//! the file goes through the worker's effect and the core's policy; a refusal keeps the prompt.

use crate::core::attachment_samples;
use crate::tui::i18n::UiLang;
use crate::tui::state::fixtures::{context, demo_replica, press, started};
use crate::tui::state::{Overlay, PromptPurpose, Screen};

const ID: &str = "timber-inspection-land-border";

/// The prompt's text and refusal, when the attach prompt is up.
fn attach_prompt(state: &crate::tui::state::State) -> Option<(String, Option<String>)> {
    match &state.overlay {
        Some(Overlay::Prompt {
            input,
            purpose: PromptPurpose::Attach,
            error,
        }) => Some((input.text().to_string(), error.clone())),
        _ => None,
    }
}

#[test]
fn a_in_the_reader_attaches_the_file_at_the_path_typed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("seal-0412.png");
    std::fs::write(&path, attachment_samples::photo_png(40, 30)).expect("photo");
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(
        &mut replica,
        &ctx,
        &mut state,
        "/timber inspection<Enter><Enter>a",
    );
    assert_eq!(attach_prompt(&state), Some((String::new(), None)));
    let keys = format!("{}<Enter>", path.display());
    press(&mut replica, &ctx, &mut state, &keys);
    assert_eq!(state.overlay, None);
    let listed = replica.attachments(ID).expect("attachments");
    assert!(
        listed
            .iter()
            .any(|a| a.name == "seal-0412.png" && a.mime == "image/png")
    );
    let message = state.message.as_ref().expect("a message");
    assert!(!message.error);
    assert!(
        message
            .text
            .starts_with("Attached seal-0412.png (image/png"),
        "{}",
        message.text
    );
    // The reader was read again: it lists the file and keeps rows for the picture.
    let reader = state.reader().expect("reader");
    assert!(
        reader
            .laid
            .doc
            .attachments
            .iter()
            .any(|a| a.name == "seal-0412.png")
    );
    assert_eq!(reader.laid.pictures.len(), 1);
}

#[test]
fn a_refused_file_keeps_the_prompt_with_the_path_and_the_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = dir.path().join("notes.sh");
    std::fs::write(&text, "#!/bin/sh\necho hello\n").expect("file");
    let missing = dir.path().join("no-such-photo.jpg");
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(
        &mut replica,
        &ctx,
        &mut state,
        "/timber inspection<Enter><Enter>",
    );
    let before = replica.attachments(ID).expect("attachments").len();
    for (path, why) in [
        (&text, "this node accepts images and PDFs"),
        (&missing, "there is no file at"),
    ] {
        let typed = path.display().to_string();
        press(&mut replica, &ctx, &mut state, &format!("a{typed}<Enter>"));
        let (input, error) = attach_prompt(&state).expect("the prompt stays");
        assert_eq!(input, typed);
        let error = error.expect("the reason");
        assert!(error.contains(why), "{error}");
        press(&mut replica, &ctx, &mut state, "<Esc>");
        assert_eq!(state.overlay, None);
    }
    assert_eq!(replica.attachments(ID).expect("attachments").len(), before);
}

#[test]
fn in_the_editor_a_is_typed_and_alt_a_attaches() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("scan.png");
    std::fs::write(&path, attachment_samples::photo_png(16, 16)).expect("photo");
    let mut replica = demo_replica();
    let ctx = context(&replica).with_catalog(crate::tui::i18n::Catalog::new(UiLang::Th));
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::Th);
    press(
        &mut replica,
        &ctx,
        &mut state,
        "/timber inspection<Enter><Enter>e",
    );
    assert_eq!(state.screen, Screen::Editor);
    let title = |s: &crate::tui::state::State| {
        s.editor
            .as_ref()
            .map(|e| e.title.text().to_string())
            .unwrap_or_default()
    };
    let before = title(&state);
    press(&mut replica, &ctx, &mut state, "<End>a");
    assert_eq!(title(&state), format!("{before}a"), "`a` is a letter here");
    assert_eq!(state.overlay, None);
    press(&mut replica, &ctx, &mut state, "<A-a>");
    assert!(attach_prompt(&state).is_some());
    press(
        &mut replica,
        &ctx,
        &mut state,
        &format!("{}<Enter>", path.display()),
    );
    assert!(
        replica
            .attachments(ID)
            .expect("attachments")
            .iter()
            .any(|a| a.name == "scan.png")
    );
    let message = state.message.as_ref().expect("said");
    assert!(message.text.starts_with("แนบ scan.png"), "{}", message.text);
    assert_eq!(state.screen, Screen::Editor, "still editing");
}

#[test]
fn a_new_article_is_saved_before_files_are_attached_to_it() {
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    press(&mut replica, &ctx, &mut state, "<C-n><A-a>");
    assert_eq!(state.overlay, None);
    let message = state.message.as_ref().expect("said");
    assert!(message.error);
    assert!(
        message.text.contains("Save the article first"),
        "{}",
        message.text
    );
}
