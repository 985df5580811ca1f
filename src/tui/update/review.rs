//! The Review screen: the queue of what waits for the signed-in evaluator, `Enter` opens a
//! submission with its diff, `a`/`r`/`x` approve, return or reject it through a comment line
//! that stays up (with what was typed) until the node has taken the verdict. The author's
//! `submit` goes through the same line.

use super::{Effect, back as back_screen, go, keep_in_view, step};
use crate::core::{EvaluationView, QueueItem, SubmissionView};
use crate::tui::keymap::{Action, Key};
use crate::tui::state::{
    OpenSubmission, Overlay, PickerPurpose, Screen, State, VerdictInput, VerdictKind,
};
use crate::tui::view;

/// Shows the Review screen and asks for the queue again.
pub fn open(state: &mut State) -> Vec<Effect> {
    go(state, Screen::Review);
    vec![Effect::LoadReviewQueue]
}

/// Shows the Review screen with the submission of `article` open (Home's row of it); `Esc`
/// goes to the queue, where it is the one selected.
pub fn open_at(state: &mut State, article: String) -> Vec<Effect> {
    go(state, Screen::Review);
    state.review.open = None;
    // The submission first: the queue that follows selects the open one.
    vec![Effect::LoadSubmission(article), Effect::LoadReviewQueue]
}

/// The queue read from the node; an open submission is the one selected in it.
pub fn queue_loaded(state: &mut State, items: Vec<QueueItem>) -> Vec<Effect> {
    let r = &mut state.review;
    let open = r.open.as_ref().map(|o| o.view.article.as_str());
    if let Some(at) = items.iter().position(|i| Some(i.article.as_str()) == open) {
        r.selected = at;
    }
    r.selected = r.selected.min(items.len().saturating_sub(1));
    r.queue = Some(items);
    relayout(state);
    vec![]
}

/// A submission read from the node. Read again (the node changed elsewhere) it keeps its
/// scroll and the category chosen for it, unless another revision was submitted meanwhile.
pub fn submission_loaded(state: &mut State, view: SubmissionView) -> Vec<Effect> {
    let page = view::review_layout(state.area()).diff_rows();
    let last = crate::tui::state::reader::diff_row_count(&view.lines).saturating_sub(page);
    let kept = state
        .review
        .open
        .take()
        .filter(|o| o.view.article == view.article && o.view.revision == view.revision);
    let (scroll, move_to) = match kept {
        Some(o) => (o.scroll.min(last), o.move_to),
        // Two rows of context above the first change.
        None => (
            crate::tui::state::review::first_change_row(&view.lines)
                .saturating_sub(2)
                .min(last),
            None,
        ),
    };
    state.review.open = Some(OpenSubmission {
        view,
        scroll,
        move_to,
    });
    go(state, Screen::Review);
    vec![]
}

/// `Esc`: the open submission back to the queue, else the previous screen.
pub fn back(state: &mut State) -> Vec<Effect> {
    if state.review.open.take().is_some() {
        return vec![Effect::LoadReviewQueue];
    }
    back_screen(state)
}

pub fn action(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Approve => verdict(state, |open| VerdictKind::Approve {
            category: open.and_then(|o| o.move_to.clone()),
        }),
        Action::ReturnSubmission => verdict(state, |_| VerdictKind::Return),
        Action::Reject => verdict(state, |_| VerdictKind::Reject),
        Action::MoveCategory => move_category(state),
        // On an open submission `Enter` reads the article: its evaluation so far, its links.
        Action::Open if state.review.open.is_some() => state
            .review
            .open
            .as_ref()
            .map(|o| vec![Effect::OpenArticle(o.view.article.clone())])
            .unwrap_or_default(),
        _ if state.review.open.is_some() => scroll_diff(state, action),
        _ => queue_action(state, action),
    }
}

fn queue_action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = view::review_layout(state.area()).visible_items() as isize;
    let len = state.review.shown();
    let r = &mut state.review;
    match action {
        Action::Down => r.selected = step(r.selected, 1, len),
        Action::Up => r.selected = step(r.selected, -1, len),
        Action::PageDown => r.selected = step(r.selected, page, len),
        Action::PageUp => r.selected = step(r.selected, -page, len),
        Action::Top => r.selected = 0,
        Action::Bottom => r.selected = len.saturating_sub(1),
        Action::Open => {
            return match r.selected_item() {
                Some(item) => vec![Effect::LoadSubmission(item.article.clone())],
                None => vec![],
            };
        }
        _ => return vec![],
    }
    relayout(state);
    vec![]
}

fn scroll_diff(state: &mut State, action: Action) -> Vec<Effect> {
    let page = view::review_layout(state.area()).diff_rows();
    let Some(open) = state.review.open.as_mut() else {
        return vec![];
    };
    let rows = crate::tui::state::reader::diff_row_count(&open.view.lines);
    let last = rows.saturating_sub(page);
    open.scroll = match action {
        Action::Down => open.scroll + 1,
        Action::Up => open.scroll.saturating_sub(1),
        Action::PageDown => open.scroll + page,
        Action::PageUp => open.scroll.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return vec![],
    }
    .min(last);
    vec![]
}

/// Opens the comment line for a verdict on the open submission, else on the selected one.
fn verdict(
    state: &mut State,
    kind: impl FnOnce(Option<&OpenSubmission>) -> VerdictKind,
) -> Vec<Effect> {
    let r = &state.review;
    let target = match &r.open {
        Some(open) => Some((open.view.article.clone(), open.view.title.clone())),
        None => r
            .selected_item()
            .map(|i| (i.article.clone(), i.title.clone())),
    };
    let Some((article, title)) = target else {
        let text = state.i18n.t("review.nothing").to_string();
        state.info(text);
        return vec![];
    };
    let kind = kind(r.open.as_ref());
    state.overlay = Some(Overlay::Verdict(VerdictInput::new(&article, &title, kind)));
    vec![]
}

/// Step 1 may move the article: the category picker, its choice shown until the approval.
fn move_category(state: &mut State) -> Vec<Effect> {
    match &state.review.open {
        Some(open) if open.view.step == 1 => {
            state.overlay = Some(Overlay::Picker {
                input: Default::default(),
                selected: 0,
                purpose: PickerPurpose::ReviewCategory,
            });
        }
        Some(_) => {
            let text = state.i18n.t("review.category_settled").to_string();
            state.error(text);
        }
        None => {
            let text = state.i18n.t("review.nothing").to_string();
            state.info(text);
        }
    }
    vec![]
}

/// The picker's choice: the category the approval will move the article to (none when it is
/// the category it is in).
pub fn set_move_to(state: &mut State, category: String) {
    if let Some(open) = state.review.open.as_mut() {
        open.move_to = (category != open.view.category).then_some(category);
    }
}

/// The author submits the article on screen (the reader's, or the editor's once saved).
pub fn submit(state: &mut State) -> Vec<Effect> {
    let target = match state.screen {
        Screen::Reader => state
            .reader()
            .map(|r| (r.laid.doc.id.clone(), r.laid.doc.content.title.clone())),
        Screen::Editor => match &state.editor {
            Some(e) if e.dirty() || e.id.is_none() => {
                let text = state.i18n.t("verdict.save_first").to_string();
                state.error(text);
                return vec![];
            }
            Some(e) => e.id.clone().map(|id| (id, e.title.text().to_string())),
            None => None,
        },
        _ => None,
    };
    match target {
        Some((article, title)) => {
            let input = VerdictInput::new(&article, &title, VerdictKind::Submit);
            state.overlay = Some(Overlay::Verdict(input));
        }
        None => {
            let text = state.i18n.t("verdict.nothing").to_string();
            state.info(text);
        }
    }
    vec![]
}

/// Keys of the comment line: typing edits it, `Enter` hands the verdict to the node (once),
/// `Esc` drops it.
pub fn verdict_key(state: &mut State, mut v: VerdictInput, key: Key) -> Vec<Effect> {
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
    state.overlay = Some(Overlay::Verdict(v));
    vec![]
}

fn send(state: &mut State, mut v: VerdictInput) -> Vec<Effect> {
    let text = v.input.text().trim().to_string();
    if v.sending {
        state.overlay = Some(Overlay::Verdict(v));
        return vec![];
    }
    if text.is_empty() && !v.kind.text_optional() {
        v.error = Some(state.i18n.t("verdict.need_text").to_string());
        state.overlay = Some(Overlay::Verdict(v));
        return vec![];
    }
    v.sending = true;
    v.error = None;
    let effect = Effect::Evaluate {
        article: v.article.clone(),
        kind: v.kind.clone(),
        text,
    };
    state.overlay = Some(Overlay::Verdict(v));
    vec![effect]
}

/// The node took it: the line closes, the status line says where the evaluation stands, and
/// what is on screen is read again.
pub fn evaluated(
    state: &mut State,
    article: String,
    kind: VerdictKind,
    view: EvaluationView,
) -> Vec<Effect> {
    if matches!(&state.overlay, Some(Overlay::Verdict(v)) if v.article == article) {
        state.overlay = None;
    }
    let where_now = crate::tui::state::review::evaluation_state(&state.i18n, &view);
    let text = match kind {
        VerdictKind::Approve { .. } => state.i18n.f("verdict.approved", &[("state", &where_now)]),
        VerdictKind::Return => state.i18n.t("verdict.returned").to_string(),
        VerdictKind::Reject => state.i18n.t("verdict.rejected").to_string(),
        VerdictKind::Submit => state.i18n.f("verdict.submitted", &[("state", &where_now)]),
    };
    state.info(text);
    match state.screen {
        Screen::Review => {
            state.review.open = None;
            vec![Effect::LoadReviewQueue]
        }
        Screen::Reader => vec![Effect::ReloadArticle(article)],
        _ => vec![],
    }
}

/// The node refused it: said in the line, with the text kept to correct or cancel.
pub fn refused(state: &mut State, reason: String) -> Vec<Effect> {
    match state.overlay.as_mut() {
        Some(Overlay::Verdict(v)) => {
            v.sending = false;
            v.error = Some(reason);
        }
        _ => state.error(reason),
    }
    vec![]
}

/// Keeps the selected item in view.
pub fn relayout(state: &mut State) {
    let visible = view::review_layout(state.area()).visible_items();
    let r = &mut state.review;
    r.offset = keep_in_view(r.selected, r.offset, visible);
}
