//! The index schema. Bodies are not stored in the index: snippets are cut from the text in redb,
//! which keeps the index about a third of the size.

use tantivy::schema::{
    FAST, FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};

use super::analyzer::Analyzer;

/// Bumped whenever fields or analyzers change: an index of another version is rebuilt on open.
pub const INDEX_VERSION: u32 = 7;

#[derive(Clone, Copy)]
pub struct Fields {
    /// An article's id, or a question's behind `questions::QUESTION_KEY`.
    pub id: Field,
    /// The title and the tags: the few words that say what an article is about.
    pub heading: Field,
    /// The summary and the body.
    pub text: Field,
    /// Title, summary, tags and body as Thai/Korean character bigrams (sub-word search).
    pub grams: Field,
    /// Thai text folded to one spelling of its variants, as bigrams (`thai_fold`).
    pub thai_folded: Field,
    pub category: Field,
    pub hs: Field,
    pub status: Field,
    pub lang: Field,
    pub kind: Field,
    pub office: Field,
    pub classification: Field,
    pub authors: Field,
    /// Tags as exact values, for `tag:` filters.
    pub tag: Field,
    pub updated: Field,
    pub helpfulness: Field,
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analyzed = |analyzer: Analyzer, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer.name())
                .set_index_option(record),
        )
    };
    // Words, and beside them the English stems that differ from them (`analyzer::STEM_MARK`).
    let text = analyzed(
        Analyzer::IndexedText,
        IndexRecordOption::WithFreqsAndPositions,
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        heading: b.add_text_field("heading", text.clone()),
        text: b.add_text_field("text", text),
        grams: b.add_text_field(
            "grams",
            analyzed(Analyzer::Grams, IndexRecordOption::WithFreqsAndPositions),
        ),
        thai_folded: b.add_text_field(
            "thai_folded",
            analyzed(
                Analyzer::ThaiFolded,
                IndexRecordOption::WithFreqsAndPositions,
            ),
        ),
        category: b.add_facet_field("category", FacetOptions::default()),
        hs: b.add_text_field("hs", STRING),
        status: b.add_text_field("status", STRING),
        lang: b.add_text_field("lang", STRING),
        kind: b.add_text_field("kind", STRING),
        office: b.add_text_field("office", STRING),
        classification: b.add_text_field("classification", STRING),
        authors: b.add_text_field("authors", STRING),
        tag: b.add_text_field("tag", STRING),
        updated: b.add_i64_field("updated", FAST),
        helpfulness: b.add_f64_field("helpfulness", FAST),
    };
    (b.build(), fields)
}

/// Looks the fields up by name in an opened index's schema.
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let f = |name: &str| schema.get_field(name).ok();
    Some(Fields {
        id: f("id")?,
        heading: f("heading")?,
        text: f("text")?,
        grams: f("grams")?,
        thai_folded: f("thai_folded")?,
        category: f("category")?,
        hs: f("hs")?,
        status: f("status")?,
        lang: f("lang")?,
        kind: f("kind")?,
        office: f("office")?,
        classification: f("classification")?,
        authors: f("authors")?,
        tag: f("tag")?,
        updated: f("updated")?,
        helpfulness: f("helpfulness")?,
    })
}
