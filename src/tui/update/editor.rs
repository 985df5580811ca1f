//! The editor: `Tab` moves between fields, `Enter` confirms a field (a new line in the body),
//! `Ctrl-S` saves, `Ctrl-E` hands the body to `$EDITOR`. Leaving with unsaved changes asks first
//! (see `run` in `update.rs`); errors from the core come back to the status line.

use super::{Effect, run};
use crate::model::validate::ContentProblem;
use crate::model::{Kind, Lang};
use crate::tui::input::LineInput;
use crate::tui::keymap::Action;
use crate::tui::state::editor::cycle;
use crate::tui::state::{EditorField, EditorState, Overlay, PickerPurpose, State};
use crate::tui::textarea::TextArea;
use crate::tui::view;

pub fn type_char(state: &mut State, c: char) -> Vec<Effect> {
    let Some(editor) = state.editor.as_mut() else {
        return vec![];
    };
    match editor.field {
        EditorField::Title => editor.title.insert(c),
        EditorField::Tags => editor.tags.insert(c),
        EditorField::Summary => editor.summary.insert(c),
        EditorField::Hs => {
            editor.hs.insert(c);
            editor.check_hs();
        }
        EditorField::Category => {
            let mut input = LineInput::default();
            input.insert(c);
            state.overlay = Some(Overlay::Picker {
                input,
                selected: 0,
                purpose: PickerPurpose::Editor,
            });
        }
        EditorField::Lang => editor.lang = cycle(Lang::ALL, editor.lang, 1),
        EditorField::Kind => editor.kind = cycle(Kind::ALL, editor.kind, 1),
        EditorField::Body => editor.body.insert(c),
    }
    relayout(state);
    vec![]
}

pub fn action(state: &mut State, action: Action) -> Vec<Effect> {
    let layout = view::editor_layout(state.area());
    let (width, page) = (layout.body_width(), layout.body_height());
    let Some(editor) = state.editor.as_mut() else {
        return vec![];
    };
    let field = editor.field;
    let in_body = field == EditorField::Body;
    match action {
        Action::Save => return save(state, None),
        Action::ExternalEditor => return vec![Effect::ExternalEditor(editor.body.text())],
        Action::NextField => editor.field = field.step(1),
        Action::PrevField => editor.field = field.step(-1),
        Action::Confirm => match field {
            EditorField::Body => editor.body.newline(),
            EditorField::Category => open_picker(&mut state.overlay, editor),
            EditorField::Lang => editor.lang = cycle(Lang::ALL, editor.lang, 1),
            EditorField::Kind => editor.kind = cycle(Kind::ALL, editor.kind, 1),
            _ => editor.field = field.step(1),
        },
        Action::Down if in_body => editor.body.vertical(1, width),
        Action::Up if in_body => editor.body.vertical(-1, width),
        Action::PageDown if in_body => editor.body.vertical(page as isize - 1, width),
        Action::PageUp if in_body => editor.body.vertical(1 - page as isize, width),
        Action::Down => editor.field = field.step(1),
        Action::Up => editor.field = field.step(-1),
        Action::CursorLeft | Action::CursorRight
            if matches!(field, EditorField::Lang | EditorField::Kind) =>
        {
            let delta = if action == Action::CursorLeft { -1 } else { 1 };
            if field == EditorField::Lang {
                editor.lang = cycle(Lang::ALL, editor.lang, delta);
            } else {
                editor.kind = cycle(Kind::ALL, editor.kind, delta);
            }
        }
        _ if in_body => match action {
            Action::CursorLeft => editor.body.left(),
            Action::CursorRight => editor.body.right(),
            Action::CursorHome => editor.body.home(),
            Action::CursorEnd => editor.body.end(),
            Action::DeleteBack => editor.body.delete_back(),
            Action::DeleteForward => editor.body.delete_forward(),
            Action::DeleteWord => editor.body.delete_word(),
            Action::ClearLine => editor.body.clear_line(),
            _ => {}
        },
        _ => {
            let input = match field {
                EditorField::Title => &mut editor.title,
                EditorField::Tags => &mut editor.tags,
                EditorField::Hs => &mut editor.hs,
                EditorField::Summary => &mut editor.summary,
                _ => return vec![],
            };
            match action {
                Action::CursorLeft => input.left(),
                Action::CursorRight => input.right(),
                Action::CursorHome => input.home(),
                Action::CursorEnd => input.end(),
                Action::DeleteBack => input.delete_back(),
                Action::DeleteForward => input.delete_forward(),
                Action::DeleteWord => input.delete_word(),
                Action::ClearLine => input.clear(),
                _ => {}
            }
            if field == EditorField::Hs {
                editor.check_hs();
            }
        }
    }
    relayout(state);
    vec![]
}

fn open_picker(overlay: &mut Option<Overlay>, _editor: &EditorState) {
    *overlay = Some(Overlay::Picker {
        input: LineInput::default(),
        selected: 0,
        purpose: PickerPurpose::Editor,
    });
}

/// Asks the loop to save; `then` runs once saved. Problems found here go to the status line.
pub fn save(state: &mut State, then: Option<Action>) -> Vec<Effect> {
    let Some(editor) = state.editor.as_ref() else {
        return vec![];
    };
    let content = match editor.content() {
        Ok(content) => content,
        Err(bad) => {
            let text = state.i18n.f("editor.not_hs_code", &[("code", &bad.0)]);
            state.error(text);
            return vec![];
        }
    };
    if editor.category.is_empty() {
        let text = state.i18n.t("editor.need_category").to_string();
        state.error(text);
        return vec![];
    }
    // The core refuses the same content; said here in the interface's language.
    if let Some(problem) = crate::model::validate::content_problem(&content) {
        let text = problem_text(&state.i18n, &problem);
        state.error(text);
        return vec![];
    }
    vec![Effect::Save {
        id: editor.id.clone(),
        content: Box::new(content),
        then,
    }]
}

/// A content problem worded from the catalogue.
fn problem_text(t: &crate::tui::i18n::Catalog, problem: &ContentProblem) -> String {
    match problem {
        ContentProblem::EmptyTitle => t.t("content_problem.empty_title").to_string(),
        ContentProblem::TitleTooLong { max } => {
            t.f("content_problem.title_too_long", &[("max", max)])
        }
        ContentProblem::SummaryTooLong { max } => {
            t.f("content_problem.summary_too_long", &[("max", max)])
        }
        ContentProblem::BodyTooLong { bytes, max } => t.f(
            "content_problem.body_too_long",
            &[("bytes", bytes), ("max", max)],
        ),
        ContentProblem::TooManyTags { count, max } => t.f(
            "content_problem.too_many_tags",
            &[("count", count), ("max", max)],
        ),
        ContentProblem::BadTag { tag, max } => {
            let tag = crate::model::validate::escape(tag);
            t.f("content_problem.bad_tag", &[("tag", &tag), ("max", max)])
        }
        ContentProblem::TooManyHsCodes { count, max } => t.f(
            "content_problem.too_many_hs",
            &[("count", count), ("max", max)],
        ),
        ContentProblem::ControlCharacter { field, code } => {
            let field = t.t(&format!("content_problem.field.{}", field.name()));
            let code = format!("U+{code:04X}");
            t.f(
                "content_problem.control",
                &[("field", &field), ("code", &code)],
            )
        }
    }
}

pub fn saved(
    state: &mut State,
    id: String,
    then: Option<Action>,
    outcome: super::SavedAs,
) -> Vec<Effect> {
    if let Some(editor) = state.editor.as_mut() {
        if let Ok(content) = editor.content() {
            editor.original = content;
        }
        editor.id = Some(id.clone());
    }
    let text = state.i18n.f(outcome.message_key(), &[("id", &id)]);
    state.info(text);
    let mut effects = reload_views(state, &id);
    if let Some(action) = then {
        effects.extend(run(state, action));
        // The message says what happened even after leaving the editor.
        if state.message.is_none() {
            let text = state.i18n.f(outcome.message_key(), &[("id", &id)]);
            state.info(text);
        }
    }
    effects
}

/// What other screens show of the saved article is read again, so no view shows the old one.
fn reload_views(state: &mut State, id: &str) -> Vec<Effect> {
    let mut effects = vec![Effect::LoadHome];
    if state.readers.iter().any(|r| r.laid.doc.id == id) {
        effects.push(Effect::ReloadArticle(id.to_string()));
    }
    if state.search.results_for.is_some() {
        effects.push(super::search::search(state));
    }
    effects
}

pub fn body_edited(state: &mut State, text: String) -> Vec<Effect> {
    if let Some(editor) = state.editor.as_mut() {
        let top = editor.body.top;
        editor.body = TextArea::new(&text);
        editor.body.top = top;
        editor.field = EditorField::Body;
    }
    relayout(state);
    vec![]
}

/// Keeps the body's cursor in view.
/// An article loaded for editing. In conflict, the editor starts from the body merged with
/// markers, so no version is out of sight; saving with markers left in is refused by the core.
pub fn loaded(state: &mut State, doc: crate::tui::state::ArticleDoc) -> Vec<Effect> {
    let mut content = doc.content.clone();
    if let Some(conflict) = &doc.conflict {
        content.body = conflict.marked_body.clone();
    }
    let mut editor = EditorState::edit(Some(doc.id), content);
    if doc.conflict.is_some() {
        // Unchanged from the shown version until the markers are resolved: it counts as an edit.
        editor.original = doc.content;
        state.info(state.i18n.t("conflict.editing").to_string());
    }
    state.editor = Some(editor);
    super::go(state, crate::tui::state::Screen::Editor);
    relayout(state);
    vec![]
}

pub fn relayout(state: &mut State) {
    let layout = view::editor_layout(state.area());
    if let Some(editor) = state.editor.as_mut() {
        editor
            .body
            .scroll_into_view(layout.body_width(), layout.body_height());
    }
}

/// The category chosen in the picker.
pub fn set_category(state: &mut State, id: String) {
    if let Some(editor) = state.editor.as_mut() {
        editor.category = id;
        editor.field = EditorField::Tags;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::validate::ContentField;
    use crate::tui::i18n::{Catalog, UiLang};

    fn every_problem() -> Vec<ContentProblem> {
        let mut all = vec![
            ContentProblem::EmptyTitle,
            ContentProblem::TitleTooLong { max: 200 },
            ContentProblem::SummaryTooLong { max: 2000 },
            ContentProblem::BodyTooLong {
                bytes: 2_000_000,
                max: 1_048_576,
            },
            ContentProblem::TooManyTags { count: 70, max: 64 },
            ContentProblem::BadTag {
                tag: String::new(),
                max: 40,
            },
            ContentProblem::TooManyHsCodes { count: 70, max: 64 },
        ];
        for field in [
            ContentField::Title,
            ContentField::Summary,
            ContentField::Body,
            ContentField::Tag,
        ] {
            all.push(ContentProblem::ControlCharacter { field, code: 0x1b });
        }
        all
    }

    #[test]
    fn every_content_problem_is_worded_in_each_language_from_its_catalogue() {
        let (en, th) = (Catalog::new(UiLang::En), Catalog::new(UiLang::Th));
        for problem in every_problem() {
            let (english, thai) = (problem_text(&en, &problem), problem_text(&th, &problem));
            for text in [&english, &thai] {
                assert!(
                    !text.contains(crate::tui::i18n::MISSING),
                    "{problem:?}: {text}"
                );
                assert!(!text.contains('{'), "a placeholder left in: {text}");
            }
            assert_ne!(english, thai, "{problem:?}");
            // The Thai words carry no English words but the codes and figures they quote.
            let latin = thai
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 2)
                .collect::<Vec<_>>();
            assert!(latin.iter().all(|w| *w == "HS"), "{thai}");
        }
    }

    #[test]
    fn a_title_too_long_is_refused_in_thai_before_anything_is_saved() {
        let mut state = State::with(
            80,
            24,
            Catalog::new(UiLang::Th),
            crate::tui::keymap::Keymap::default(),
            crate::tui::theme::Theme::default(),
        );
        let mut editor = EditorState::blank(Lang::Th, Some("commodity".into()));
        editor.title = LineInput::new(&"ก".repeat(201));
        state.editor = Some(editor);
        assert!(save(&mut state, None).is_empty(), "nothing is saved");
        let message = state.message.as_ref().expect("a message");
        assert!(message.error);
        assert!(
            message.text.contains("ชื่อเรื่องยาวเกิน 200"),
            "{}",
            message.text
        );
    }
}
