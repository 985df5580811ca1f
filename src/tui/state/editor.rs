//! The article editor's data: one line per field, the body, and the HS codes checked as they
//! are typed against the built-in nomenclature.

use crate::model::{ArticleContent, Classification, HsCode, Kind, Lang};
use crate::nomenclature::Nomenclature;
use crate::tui::input::LineInput;
use crate::tui::textarea::TextArea;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditorField {
    Title,
    Category,
    Tags,
    Hs,
    Lang,
    Kind,
    Summary,
    Body,
}

impl EditorField {
    pub const ALL: [EditorField; 8] = [
        EditorField::Title,
        EditorField::Category,
        EditorField::Tags,
        EditorField::Hs,
        EditorField::Lang,
        EditorField::Kind,
        EditorField::Summary,
        EditorField::Body,
    ];

    /// The catalogue key of the field's label.
    pub fn label_key(self) -> &'static str {
        match self {
            EditorField::Title => "editor.title_field",
            EditorField::Category => "editor.category",
            EditorField::Tags => "editor.tags",
            EditorField::Hs => "editor.hs",
            EditorField::Lang => "editor.lang",
            EditorField::Kind => "editor.kind",
            EditorField::Summary => "editor.summary",
            EditorField::Body => "editor.body",
        }
    }

    pub fn step(self, delta: isize) -> EditorField {
        let i = Self::ALL.iter().position(|f| *f == self).unwrap_or(0) as isize;
        let n = Self::ALL.len() as isize;
        Self::ALL[usize::try_from((i + delta).rem_euclid(n)).unwrap_or(0)]
    }
}

/// What the editor says about one typed HS code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HsNote {
    pub code: String,
    pub ok: bool,
    pub text: String,
}

/// An entry of the HS codes field that is not an HS code, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotHsCode(pub String);

#[derive(Clone, Debug, PartialEq)]
pub struct EditorState {
    /// The article being edited; `None` for a new one.
    pub id: Option<String>,
    /// The content as loaded, to tell whether anything changed.
    pub original: ArticleContent,
    pub title: LineInput,
    pub category: String,
    pub tags: LineInput,
    pub hs: LineInput,
    pub lang: Lang,
    pub kind: Kind,
    pub summary: LineInput,
    pub body: TextArea,
    pub field: EditorField,
    pub hs_notes: Vec<HsNote>,
}

impl EditorState {
    /// An empty article in `lang`, filed under `category` when one is given.
    pub fn blank(lang: Lang, category: Option<String>) -> Self {
        let content = ArticleContent {
            title: String::new(),
            summary: String::new(),
            body: String::new(),
            category: category.unwrap_or_default(),
            tags: vec![],
            hs_codes: vec![],
            lang,
            kind: Kind::Technique,
            classification: Classification::Public,
            review_by: None,
        };
        Self::edit(None, content)
    }

    pub fn edit(id: Option<String>, content: ArticleContent) -> Self {
        let hs: Vec<String> = content.hs_codes.iter().map(ToString::to_string).collect();
        let mut state = EditorState {
            id,
            title: LineInput::new(&content.title),
            category: content.category.clone(),
            tags: LineInput::new(&content.tags.join(", ")),
            hs: LineInput::new(&hs.join(", ")),
            lang: content.lang,
            kind: content.kind,
            summary: LineInput::new(&content.summary),
            body: TextArea::new(&content.body),
            field: EditorField::Title,
            hs_notes: Vec::new(),
            original: content,
        };
        state.check_hs();
        state
    }

    /// The content as typed; an HS code that does not parse is refused, named as typed (the
    /// interface words the refusal from its catalogue).
    pub fn content(&self) -> Result<ArticleContent, NotHsCode> {
        let typed = self.hs.text().split(',').map(str::trim);
        if let Some(bad) = typed
            .clone()
            .find(|t| !t.is_empty() && HsCode::parse(t).is_err())
        {
            return Err(NotHsCode(bad.to_string()));
        }
        let hs_codes = typed.filter_map(|t| HsCode::parse(t).ok()).collect();
        let tags = self
            .tags
            .text()
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        Ok(ArticleContent {
            title: self.title.text().to_string(),
            summary: self.summary.text().to_string(),
            body: self.body.text(),
            category: self.category.clone(),
            tags,
            hs_codes,
            lang: self.lang,
            kind: self.kind,
            classification: self.original.classification,
            review_by: self.original.review_by.clone(),
        }
        .normalized())
    }

    /// Whether anything differs from what was loaded.
    pub fn dirty(&self) -> bool {
        match self.content() {
            Ok(content) => content != self.original.clone().normalized(),
            Err(_) => true,
        }
    }

    /// Checks each typed HS code: its form, then the nomenclature (with a description).
    pub fn check_hs(&mut self) {
        let nomenclature = Nomenclature::builtin();
        self.hs_notes = self
            .hs
            .text()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|typed| match HsCode::parse(typed) {
                Err(_) => HsNote {
                    code: typed.to_string(),
                    ok: false,
                    text: String::new(),
                },
                Ok(code) => match nomenclature.check(&code) {
                    Ok(()) => HsNote {
                        code: code.to_string(),
                        ok: true,
                        text: nomenclature.describe(&code).unwrap_or_default(),
                    },
                    // The view words the refusal from the catalogue; the nearest code that
                    // exists (data, not interface text) is kept to name it.
                    Err(_) => HsNote {
                        code: code.to_string(),
                        ok: false,
                        text: nomenclature
                            .chain(code.digits())
                            .last()
                            .map(|e| format!("{} {}", e.dotted(), e.description))
                            .unwrap_or_default(),
                    },
                },
            })
            .collect();
    }
}

/// The next value of a choice field (`Space`, `→`), or the previous one (`←`).
pub fn cycle<T: Copy + PartialEq>(all: &[T], current: T, delta: isize) -> T {
    let i = all.iter().position(|x| *x == current).unwrap_or(0) as isize;
    let n = all.len() as isize;
    all[usize::try_from((i + delta).rem_euclid(n.max(1))).unwrap_or(0)]
}
