//! The overlays take the keys while they are up: help, the command palette, the category
//! picker, the HS lookup (a code from the built-in nomenclature at once, words through the HS
//! index), the one-line prompt and the yes/no questions.

use super::{Effect, back, editor, run, search, step};
use crate::nomenclature::Nomenclature;
use crate::tui::input::LineInput;
use crate::tui::keymap::{Action, Key, KeyCode, Scope};
use crate::tui::state::lists::{palette_items, picker_items};
use crate::tui::state::search::HsLine;
use crate::tui::state::{Confirm, Overlay, PickerPurpose, PromptPurpose, Screen, State};

pub fn open_palette(state: &mut State) -> Vec<Effect> {
    state.overlay = Some(Overlay::Palette {
        input: LineInput::default(),
        selected: 0,
    });
    vec![]
}

pub fn open_hs_lookup(state: &mut State) -> Vec<Effect> {
    state.overlay = Some(Overlay::HsLookup {
        input: LineInput::default(),
        selected: 0,
        rows: Vec::new(),
    });
    vec![]
}

/// A code is looked up in the built-in nomenclature at once; words go to the HS index.
fn hs_lookup(text: &str) -> (Vec<HsLine>, Option<Effect>) {
    let text = text.trim();
    if text.is_empty() {
        return (Vec::new(), None);
    }
    if text
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ' ')
    {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let rows = Nomenclature::builtin()
            .outline(&digits)
            .into_iter()
            .map(|(depth, e)| HsLine {
                code: e.dotted(),
                description: e.description.clone(),
                depth,
            })
            .collect();
        return (rows, None);
    }
    (Vec::new(), Some(Effect::HsWords(text.to_string())))
}

/// Descriptions found for words, kept only if the words are still those typed.
pub fn hs_found(state: &mut State, words: &str, found: Vec<HsLine>) -> Vec<Effect> {
    if let Some(Overlay::HsLookup { input, rows, .. }) = &mut state.overlay
        && input.text().trim() == words
    {
        *rows = found;
    }
    vec![]
}

pub fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    let Some(overlay) = state.overlay.take() else {
        return vec![];
    };
    match overlay {
        Overlay::Confirm(confirm) => answer(state, confirm, key),
        Overlay::Verdict(verdict) => super::review::verdict_key(state, verdict, key),
        Overlay::Market(input) => super::market::input_key(state, input, key),
        Overlay::Help { scroll } => {
            let last = crate::tui::view::help_max_scroll(state, state.area());
            let scroll = match state.keymap.resolve(Scope::Help, key) {
                Some(Action::Down) => scroll + 1,
                Some(Action::Up) => scroll.saturating_sub(1),
                Some(Action::PageDown) => scroll + 10,
                Some(Action::PageUp) => scroll.saturating_sub(10),
                Some(Action::Top) => 0,
                Some(Action::Bottom) => last,
                Some(Action::Quit) if key == Key::ctrl('c') => return run(state, Action::Quit),
                _ => return vec![], // any other key closes the help
            };
            state.overlay = Some(Overlay::Help {
                scroll: scroll.min(last),
            });
            vec![]
        }
        Overlay::Palette {
            mut input,
            mut selected,
        } => {
            let items = palette_items(&state.i18n, input.text());
            match list_key(state, key, &mut input, &mut selected, items.len()) {
                ListKey::Chosen => match items.get(selected) {
                    Some(action) => run(state, *action),
                    None => vec![],
                },
                ListKey::Closed => vec![],
                ListKey::Stay => {
                    state.overlay = Some(Overlay::Palette { input, selected });
                    vec![]
                }
            }
        }
        Overlay::Picker {
            mut input,
            mut selected,
            purpose,
        } => {
            let items = picker_items(&state.categories, input.text());
            match list_key(state, key, &mut input, &mut selected, items.len()) {
                ListKey::Chosen => {
                    let Some(id) = items.get(selected).map(|i| state.categories[*i].id.clone())
                    else {
                        return vec![];
                    };
                    match purpose {
                        PickerPurpose::Editor => {
                            editor::set_category(state, id);
                            vec![]
                        }
                        PickerPurpose::SearchFilter => {
                            super::go(state, Screen::Search);
                            search::filter_category(state, Some(id))
                        }
                        PickerPurpose::ReviewCategory => {
                            super::review::set_move_to(state, id);
                            vec![]
                        }
                    }
                }
                ListKey::Closed => vec![],
                ListKey::Stay => {
                    state.overlay = Some(Overlay::Picker {
                        input,
                        selected,
                        purpose,
                    });
                    vec![]
                }
            }
        }
        Overlay::HsLookup {
            mut input,
            mut selected,
            mut rows,
        } => {
            let before = input.text().to_string();
            match list_key(state, key, &mut input, &mut selected, rows.len()) {
                ListKey::Chosen => match rows.get(selected) {
                    Some(row) => {
                        super::go(state, Screen::Search);
                        state.search.focus = crate::tui::state::Focus::Input;
                        search::filter_hs(state, LineInput::new(&row.code))
                    }
                    None => {
                        state.overlay = Some(Overlay::HsLookup {
                            input,
                            selected,
                            rows,
                        });
                        vec![]
                    }
                },
                ListKey::Closed => vec![],
                ListKey::Stay => {
                    let mut effects = Vec::new();
                    if input.text() != before {
                        let (found, effect) = hs_lookup(input.text());
                        rows = found;
                        effects.extend(effect);
                    }
                    state.overlay = Some(Overlay::HsLookup {
                        input,
                        selected,
                        rows,
                    });
                    effects
                }
            }
        }
        Overlay::Prompt {
            mut input,
            purpose,
            error,
        } => {
            let mut selected = 0;
            let before = input.text().to_string();
            match list_key(state, key, &mut input, &mut selected, 0) {
                ListKey::Chosen => match purpose {
                    PromptPurpose::HsPrefix => search::filter_hs(state, input),
                    PromptPurpose::Attach => super::attach::confirm(state, input),
                },
                ListKey::Closed => vec![],
                ListKey::Stay => {
                    // The refusal stands until the entry changes.
                    let error = error.filter(|_| input.text() == before);
                    state.overlay = Some(Overlay::Prompt {
                        input,
                        purpose,
                        error,
                    });
                    vec![]
                }
            }
        }
    }
}

enum ListKey {
    Chosen,
    Closed,
    Stay,
}

/// Keys of a filtered list with a text line: typing filters, arrows choose, `Enter` picks.
fn list_key(
    state: &State,
    key: Key,
    input: &mut LineInput,
    selected: &mut usize,
    len: usize,
) -> ListKey {
    match state.keymap.resolve(Scope::Overlay, key) {
        Some(Action::Confirm) => return ListKey::Chosen,
        Some(Action::Back) => return ListKey::Closed,
        Some(Action::Quit) => return ListKey::Closed,
        Some(Action::Down) => *selected = step(*selected, 1, len),
        Some(Action::Up) => *selected = step(*selected, -1, len),
        Some(Action::PageDown) => *selected = step(*selected, 10, len),
        Some(Action::PageUp) => *selected = step(*selected, -10, len),
        Some(Action::CursorLeft) => input.left(),
        Some(Action::CursorRight) => input.right(),
        Some(Action::DeleteBack) => {
            input.delete_back();
            *selected = 0;
        }
        Some(Action::DeleteWord) => {
            input.delete_word();
            *selected = 0;
        }
        Some(Action::ClearLine) => {
            input.clear();
            *selected = 0;
        }
        _ => {
            if let Some(c) = key.typed_char() {
                input.insert(c);
                *selected = 0;
            }
        }
    }
    ListKey::Stay
}

/// The answer to a question: letters as the question shows them (English and Thai keyboards
/// both have the Latin letters on the same keys), `Esc` to cancel.
fn answer(state: &mut State, mut confirm: Confirm, key: Key) -> Vec<Effect> {
    if let Confirm::Import { scroll, .. } = &confirm {
        let last = crate::tui::view::confirm_max_scroll(state, &confirm, state.area());
        let page = usize::from(state.height / 2).max(1);
        let moved = match key.code {
            KeyCode::Down => Some(scroll.saturating_add(1)),
            KeyCode::Up => Some(scroll.saturating_sub(1)),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(scroll.saturating_add(page)),
            KeyCode::PageUp => Some(scroll.saturating_sub(page)),
            KeyCode::Home => Some(0),
            KeyCode::End => Some(last),
            _ => None,
        };
        if let Some(to) = moved {
            if let Confirm::Import { scroll, .. } = &mut confirm {
                *scroll = to.min(last);
            }
            state.overlay = Some(Overlay::Confirm(confirm));
            let keys = state.i18n.t("import_confirm.status").to_string();
            state.info(keys);
            return vec![];
        }
    }
    let letter = match key.code {
        KeyCode::Char(c) if !key.ctrl && !key.alt => c.to_ascii_lowercase(),
        KeyCode::Enter => 'y',
        KeyCode::Esc => 'n',
        _ => {
            state.overlay = Some(Overlay::Confirm(confirm));
            return vec![];
        }
    };
    match (confirm, letter) {
        (Confirm::Unsaved { then }, 's' | 'y') => editor::save(state, Some(then)),
        (Confirm::Unsaved { then }, 'd') => {
            state.editor = None;
            match then {
                Action::Back => back(state),
                other => run(state, other),
            }
        }
        (Confirm::Import { path, .. }, 'y') => {
            super::screens::working(state);
            vec![Effect::SyncImport(path)]
        }
        (_, 'n' | 'c') => vec![],
        (confirm, _) => {
            state.overlay = Some(Overlay::Confirm(confirm));
            vec![]
        }
    }
}

/// What a key did to a line typed for the node (a verdict's comment, an answer, a comment).
pub(super) enum LineKey {
    Back,
    Confirm,
    /// Edited; `changed` when the text differs (a refusal stands until it does).
    Edited {
        changed: bool,
    },
}

/// The keys of such a line: typing edits it, `Enter` asks to send it, `Esc` drops it.
pub(super) fn line_key(state: &State, input: &mut LineInput, key: Key) -> LineKey {
    let before = input.text().to_string();
    match state.keymap.resolve(Scope::Overlay, key) {
        Some(Action::Back) => return LineKey::Back,
        Some(Action::Confirm) => return LineKey::Confirm,
        Some(Action::CursorLeft) => input.left(),
        Some(Action::CursorRight) => input.right(),
        Some(Action::DeleteBack) => input.delete_back(),
        Some(Action::DeleteWord) => input.delete_word(),
        Some(Action::ClearLine) => input.clear(),
        _ => {
            if let Some(c) = key.typed_char() {
                input.insert(c);
            }
        }
    }
    LineKey::Edited {
        changed: input.text() != before,
    }
}
