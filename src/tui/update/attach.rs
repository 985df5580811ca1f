//! Attaching a file from the reader (`a`) or the editor (`Alt-A`, since letters type there): a
//! one-line prompt for the file's path; the worker attaches it through the core, which sniffs
//! its type and applies the node's policy. A refusal (no such file, too large, a type the node
//! does not accept) keeps the prompt open with the path and the reason.

use super::Effect;
use crate::tui::input::LineInput;
use crate::tui::state::{Overlay, PromptPurpose, Screen, State};

/// The article a file would be attached to: the one read, or the one edited once it is saved.
fn target(state: &State) -> Option<String> {
    match state.screen {
        Screen::Reader => state.reader().map(|r| r.laid.doc.id.clone()),
        Screen::Editor => state.editor.as_ref().and_then(|e| e.id.clone()),
        _ => None,
    }
}

/// `a`: the path prompt, when there is an article to attach to.
pub fn open(state: &mut State) -> Vec<Effect> {
    if target(state).is_some() {
        prompt(state, LineInput::default(), None);
    } else if state.screen == Screen::Editor {
        let text = state.i18n.t("attach.save_first").to_string();
        state.error(text);
    }
    vec![]
}

fn prompt(state: &mut State, input: LineInput, error: Option<String>) {
    state.overlay = Some(Overlay::Prompt {
        input,
        purpose: PromptPurpose::Attach,
        error,
    });
}

/// `Enter` in the prompt: the worker attaches the file (nothing typed closes the prompt).
pub fn confirm(state: &mut State, input: LineInput) -> Vec<Effect> {
    let path = input.text().trim().to_string();
    match target(state) {
        Some(id) if !path.is_empty() => {
            let text = state.i18n.f("attach.attaching", &[("path", &path)]);
            state.info(text);
            vec![Effect::Attach { id, path }]
        }
        _ => vec![],
    }
}

/// Attached: said on the status line, and the reader showing the article lists the file.
pub fn attached(state: &mut State, id: &str, text: String) -> Vec<Effect> {
    state.info(text);
    if state.readers.iter().any(|r| r.laid.doc.id == id) {
        vec![Effect::ReloadArticle(id.to_string())]
    } else {
        vec![]
    }
}

/// Refused: the prompt comes back with the path as typed and the reason under it.
pub fn refused(state: &mut State, path: String, why: String) -> Vec<Effect> {
    state.message = None;
    if target(state).is_some() {
        prompt(state, LineInput::new(&path), Some(why));
    } else {
        state.error(why);
    }
    vec![]
}
