//! The editor: one line per field, the HS codes' check under them, and the body.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{block, ellipsize, frame_areas};
use crate::tui::state::reader::{LABEL_WIDTH, pad};
use crate::tui::state::{EditorField, EditorState, State};

/// Rows above the body: title, category, tags, HS codes, their check, language and kind, summary.
const FIELD_ROWS: u16 = 7;

pub struct EditorLayout {
    pub fields: Rect,
    pub body: Rect,
}

impl EditorLayout {
    pub fn body_width(&self) -> usize {
        usize::from(self.body.width.saturating_sub(2))
    }

    pub fn body_height(&self) -> usize {
        usize::from(self.body.height.saturating_sub(2))
    }

    /// The row of a one-line field.
    fn row(&self, field: EditorField) -> Option<u16> {
        let n = match field {
            EditorField::Title => 0,
            EditorField::Category => 1,
            EditorField::Tags => 2,
            EditorField::Hs => 3,
            EditorField::Lang | EditorField::Kind => 5,
            EditorField::Summary => 6,
            EditorField::Body => return None,
        };
        Some(self.fields.y + n)
    }
}

pub fn editor_layout(area: Rect) -> EditorLayout {
    let [_, body, _] = frame_areas(area);
    let [fields, body] =
        Layout::vertical([Constraint::Length(FIELD_ROWS), Constraint::Fill(1)]).areas(body);
    EditorLayout { fields, body }
}

pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let Some(editor) = &state.editor else {
        return;
    };
    let layout = editor_layout(area);
    let t = &state.i18n;
    let theme = &state.theme;
    let width = usize::from(area.width);
    let value_width = width.saturating_sub(LABEL_WIDTH + 3);
    let label = |field: EditorField| {
        let focused = editor.field == field;
        let mark = if focused { "▶" } else { " " };
        let style = if focused { theme.focus } else { theme.dim };
        Span::styled(
            format!("{mark}{}", pad(t.t(field.label_key()), LABEL_WIDTH)),
            style,
        )
    };
    // The focused field scrolls to keep the cursor in view; the others show their start.
    let text_row = |field: EditorField, input: &crate::tui::input::LineInput| {
        let shown = if editor.field == field {
            input.visible(value_width).0.to_string()
        } else {
            ellipsize(input.text(), value_width)
        };
        Line::from(vec![label(field), Span::raw(shown)])
    };
    let category = if editor.category.is_empty() {
        Span::styled(t.t("editor.choose_category").to_string(), theme.dim)
    } else {
        Span::raw(ellipsize(
            &state.category_path(&editor.category),
            value_width,
        ))
    };
    let choice = |field: EditorField, value: String| {
        let focused = editor.field == field;
        let text = if focused {
            format!("◀ {value} ▶")
        } else {
            value
        };
        vec![label(field), Span::raw(pad(&text, 16))]
    };
    let mut lang_kind = choice(
        EditorField::Lang,
        t.t(&format!("lang.{}", editor.lang)).to_string(),
    );
    lang_kind.extend(choice(
        EditorField::Kind,
        t.t(&format!("kind.{}", editor.kind)).to_string(),
    ));
    let rows = vec![
        text_row(EditorField::Title, &editor.title),
        Line::from(vec![label(EditorField::Category), category]),
        text_row(EditorField::Tags, &editor.tags),
        text_row(EditorField::Hs, &editor.hs),
        hs_line(state, editor, width),
        Line::from(lang_kind),
        text_row(EditorField::Summary, &editor.summary),
    ];
    Paragraph::new(rows).render(layout.fields, buf);
    render_body(state, editor, &layout, buf);
}

/// What the HS check found: `✓ 4403.49 wood…` for good codes, `✗ …` with the reason otherwise.
fn hs_line<'a>(state: &'a State, editor: &EditorState, width: usize) -> Line<'a> {
    let theme = &state.theme;
    let indent = Span::raw(" ".repeat(LABEL_WIDTH + 1));
    let room = width.saturating_sub(LABEL_WIDTH + 2);
    if editor.hs_notes.is_empty() {
        return Line::from(vec![
            indent,
            Span::styled(state.i18n.t("editor.hs_hint").to_string(), theme.dim),
        ]);
    }
    // A refusal matters most: show the first one alone, with its reason. A code of the right
    // form names the nearest code that exists, when one does.
    if let Some(bad) = editor.hs_notes.iter().find(|n| !n.ok) {
        let t = &state.i18n;
        let reason = if crate::model::HsCode::parse(&bad.code).is_err() {
            t.t("editor.hs_form").to_string()
        } else if bad.text.is_empty() {
            t.t("editor.hs_unknown").to_string()
        } else {
            t.f("editor.hs_unknown_near", &[("nearest", &bad.text)])
        };
        let text = format!("✗ {}: {reason}", bad.code);
        return Line::from(vec![
            indent,
            Span::styled(ellipsize(&text, room), theme.error),
        ]);
    }
    let per = (room / editor.hs_notes.len()).max(12);
    let mut spans = vec![indent];
    for note in &editor.hs_notes {
        let text = format!("✓ {} {}", note.code, note.text);
        spans.push(Span::styled(
            pad(&ellipsize(&text, per.saturating_sub(1)), per),
            theme.added,
        ));
    }
    Line::from(spans)
}

fn render_body(state: &State, editor: &EditorState, layout: &EditorLayout, buf: &mut Buffer) {
    let t = &state.i18n;
    let mut title = match &editor.id {
        Some(id) => t.f("editor.editing", &[("id", id)]),
        None => t.t("editor.new").to_string(),
    };
    if editor.dirty() {
        title.push_str(&format!(" · {}", t.t("editor.unsaved")));
    }
    let focused = editor.field == EditorField::Body;
    let block = block(&title, focused, &state.theme).title_bottom(
        Line::from(Span::styled(
            format!(" {} ", t.t("editor.body_hint")),
            state.theme.dim,
        ))
        .right_aligned(),
    );
    let width = layout.body_width();
    let lines: Vec<Line> = editor
        .body
        .visual_rows(width)
        .into_iter()
        .skip(editor.body.top)
        .take(layout.body_height())
        .map(|(line, start, end)| Line::from(editor.body.lines()[line][start..end].to_string()))
        .collect();
    Paragraph::new(lines).block(block).render(layout.body, buf);
}

pub fn cursor(state: &State, area: Rect) -> Option<Position> {
    let editor = state.editor.as_ref()?;
    let layout = editor_layout(area);
    let x0 = layout.fields.x + 1 + LABEL_WIDTH as u16;
    let value_width = usize::from(area.width).saturating_sub(LABEL_WIDTH + 3);
    let column = |input: &crate::tui::input::LineInput| input.visible(value_width).1 as u16;
    let (x, y) = match editor.field {
        EditorField::Title => (x0 + column(&editor.title), layout.row(EditorField::Title)?),
        EditorField::Tags => (x0 + column(&editor.tags), layout.row(EditorField::Tags)?),
        EditorField::Hs => (x0 + column(&editor.hs), layout.row(EditorField::Hs)?),
        EditorField::Summary => (
            x0 + column(&editor.summary),
            layout.row(EditorField::Summary)?,
        ),
        EditorField::Body => {
            let (row, col) = editor.body.cursor_visual(layout.body_width());
            let row = u16::try_from(row.saturating_sub(editor.body.top)).unwrap_or(0);
            (layout.body.x + 1 + col as u16, layout.body.y + 1 + row)
        }
        _ => return None,
    };
    Some(Position::new(x, y))
}
