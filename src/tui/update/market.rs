//! The Knowledge Market screen: `Tab` goes through the inbox, my questions and the open ones,
//! `Enter` opens a question with its answers; `a`/`c` write an answer or a comment in a line
//! that stays up (with what was typed) until the node has taken it, `A` accepts the selected
//! answer and `h` toggles it helpful. The core decides who may: a refusal is shown, never
//! guessed here.

use super::{Effect, back as back_screen, go, keep_in_view, step};
use crate::core::{QuestionSummary, QuestionView};
use crate::tui::keymap::{Action, Key};
use crate::tui::state::market::{MarketAction, MarketInput, MarketTab, MarketText, OpenQuestion};
use crate::tui::state::{Overlay, Screen, State};
use crate::tui::view;

/// Shows the Market screen and asks for the current list again.
pub fn open(state: &mut State) -> Vec<Effect> {
    go(state, Screen::Market);
    vec![Effect::LoadQuestions(state.market.tab)]
}

/// What the screen shows, read again from the node.
pub fn reload(state: &State) -> Vec<Effect> {
    match &state.market.open {
        Some(open) => vec![Effect::LoadQuestion(open.view.summary.id.clone())],
        None => vec![Effect::LoadQuestions(state.market.tab)],
    }
}

/// A list from the node: kept only when it is still the tab shown. Urgent first, otherwise
/// in the node's order.
pub fn list_loaded(
    state: &mut State,
    tab: MarketTab,
    mut items: Vec<QuestionSummary>,
) -> Vec<Effect> {
    if tab != state.market.tab {
        return vec![];
    }
    items.sort_by_key(|q| !q.urgent);
    let m = &mut state.market;
    m.selected = m.selected.min(items.len().saturating_sub(1));
    m.list = Some(items);
    relayout(state);
    vec![]
}

/// A question read from the node; read again, it keeps the answer selected.
pub fn question_loaded(state: &mut State, view: QuestionView) -> Vec<Effect> {
    let selected = state
        .market
        .open
        .take()
        .filter(|o| o.view.summary.id == view.summary.id)
        .map_or(0, |o| o.selected)
        .min(view.answers.len().saturating_sub(1));
    state.market.open = Some(OpenQuestion { view, selected });
    go(state, Screen::Market);
    vec![]
}

/// `Esc`: the open question back to its list, else the previous screen.
pub fn back(state: &mut State) -> Vec<Effect> {
    if state.market.open.take().is_some() {
        return vec![Effect::LoadQuestions(state.market.tab)];
    }
    back_screen(state)
}

pub fn action(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::AnswerQuestion => write(state, MarketText::Answer),
        Action::CommentQuestion => write(state, MarketText::Comment),
        Action::AcceptAnswer => on_answer(state, |a| MarketAction::Accept(a.id.clone())),
        Action::Helpful => on_answer(state, |a| {
            MarketAction::Helpful(a.id.clone(), !a.helpful_mine)
        }),
        _ if state.market.open.is_some() => move_answer(state, action),
        _ => list_action(state, action),
    }
}

fn list_action(state: &mut State, action: Action) -> Vec<Effect> {
    let len = state.market.shown();
    let m = &mut state.market;
    match action {
        Action::Down => m.selected = step(m.selected, 1, len),
        Action::Up => m.selected = step(m.selected, -1, len),
        Action::Top => m.selected = 0,
        Action::Bottom => m.selected = len.saturating_sub(1),
        Action::NextList => {
            m.tab = m.tab.next();
            m.list = None;
            m.selected = 0;
            m.offset = 0;
            return vec![Effect::LoadQuestions(m.tab)];
        }
        Action::Open => {
            return match m.selected_item() {
                Some(q) => vec![Effect::LoadQuestion(q.id.clone())],
                None => vec![],
            };
        }
        _ => return vec![],
    }
    relayout(state);
    vec![]
}

/// `j`/`k` on an open question select its answers.
fn move_answer(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(open) = state.market.open.as_mut() else {
        return vec![];
    };
    let len = open.view.answers.len();
    open.selected = match action {
        Action::Down => step(open.selected, 1, len),
        Action::Up => step(open.selected, -1, len),
        Action::Top => 0,
        Action::Bottom => len.saturating_sub(1),
        _ => return vec![],
    };
    vec![]
}

/// Opens the line for an answer or a comment on the open question, else on the selected one.
fn write(state: &mut State, kind: MarketText) -> Vec<Effect> {
    let m = &state.market;
    let target = match &m.open {
        Some(open) => Some((&open.view.summary.id, &open.view.summary.title)),
        None => m.selected_item().map(|q| (&q.id, &q.title)),
    };
    match target {
        Some((id, title)) => {
            state.overlay = Some(Overlay::Market(MarketInput::new(id, title, kind)));
        }
        None => {
            let text = state.i18n.t("market.nothing").to_string();
            state.info(text);
        }
    }
    vec![]
}

/// Accepting or marking the selected answer of the open question.
fn on_answer(
    state: &mut State,
    what: impl FnOnce(&crate::core::AnswerView) -> MarketAction,
) -> Vec<Effect> {
    let target = state.market.open.as_ref().and_then(|o| {
        o.selected_answer()
            .map(|a| (o.view.summary.id.clone(), what(a)))
    });
    match target {
        Some((question, action)) => vec![Effect::Market { question, action }],
        None => {
            let text = state.i18n.t("market.no_answer").to_string();
            state.info(text);
            vec![]
        }
    }
}

/// Keys of the answer or comment line: typing edits it, `Enter` hands it to the node (once),
/// `Esc` drops it.
pub fn input_key(state: &mut State, mut v: MarketInput, key: Key) -> Vec<Effect> {
    match super::overlay::line_key(state, &mut v.input, key) {
        super::overlay::LineKey::Back => return vec![],
        super::overlay::LineKey::Confirm => return send(state, v),
        // A refusal stands until the text changes.
        super::overlay::LineKey::Edited { changed } => {
            if changed {
                v.error = None;
            }
        }
    }
    state.overlay = Some(Overlay::Market(v));
    vec![]
}

fn send(state: &mut State, mut v: MarketInput) -> Vec<Effect> {
    let text = v.input.text().trim().to_string();
    if v.sending {
        state.overlay = Some(Overlay::Market(v));
        return vec![];
    }
    if text.is_empty() {
        v.error = Some(state.i18n.t("market.need_text").to_string());
        state.overlay = Some(Overlay::Market(v));
        return vec![];
    }
    v.sending = true;
    v.error = None;
    let action = match v.kind {
        MarketText::Answer => MarketAction::Answer(text),
        MarketText::Comment => MarketAction::Comment(text),
    };
    let effect = Effect::Market {
        question: v.question.clone(),
        action,
    };
    state.overlay = Some(Overlay::Market(v));
    vec![effect]
}

/// The node took it: the line closes, the status line says so, and the question is read again
/// (and opened, when it was written from a list).
pub fn done(state: &mut State, question: String, action: MarketAction) -> Vec<Effect> {
    if matches!(&state.overlay, Some(Overlay::Market(v)) if v.question == question) {
        state.overlay = None;
    }
    let text = state.i18n.t(action.done_key()).to_string();
    state.info(text);
    vec![Effect::LoadQuestion(question)]
}

/// The node refused it: said in the line with the text kept, else on the status line.
pub fn refused(state: &mut State, reason: String) -> Vec<Effect> {
    match state.overlay.as_mut() {
        Some(Overlay::Market(v)) => {
            v.sending = false;
            v.error = Some(reason);
        }
        _ => state.error(reason),
    }
    vec![]
}

/// Keeps the selected question in view.
pub fn relayout(state: &mut State) {
    let visible = view::market_layout(state.area()).visible_items();
    let m = &mut state.market;
    m.offset = keep_in_view(m.selected, m.offset, visible);
}
