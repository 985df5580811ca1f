//! The data of the simpler screens: Home, the Knowledge Map and Sync.

use std::collections::{BTreeMap, BTreeSet};

use super::search::ResultRow;
use crate::core::QueueItem;
use crate::model::Category;
use crate::tui::input::LineInput;

/// What Home shows, loaded together.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HomeData {
    pub office: String,
    /// Articles whose concurrent edits could not be merged: someone must resolve them.
    pub conflicts: Vec<ResultRow>,
    /// The acting user's drafts.
    pub drafts: Vec<ResultRow>,
    pub recent: Vec<ResultRow>,
    /// The outbox: on a post, changes HQ does not hold yet; on HQ, changes recorded here.
    pub changes: u64,
    /// Whether this node sends to HQ (a post); HQ sends to many posts.
    pub post: bool,
    /// When the last bundle for HQ left (milliseconds since the epoch).
    pub last_sent: Option<u64>,
    /// The demo knowledge base (plain `outpost` on an empty data directory), not a real node.
    pub demo: bool,
    /// Required reading the acting user has not acknowledged, soonest due first.
    pub required: Vec<crate::core::RequiredItem>,
    /// Stale articles the acting user owns, most overdue first.
    pub stale: Vec<crate::core::StaleItem>,
    /// Two-step evaluation's part of "what needs me".
    pub evaluation: EvaluationNeeds,
    /// Comments by others on the acting user's articles that they have not seen here, newest
    /// first.
    pub comments: Vec<crate::core::NewComment>,
}

/// What evaluation asks of the signed-in person: their submissions returned to them, and how
/// many submissions wait for them as an evaluator.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EvaluationNeeds {
    pub returned: Vec<Returned>,
    /// How many submissions wait for my review.
    pub to_review: usize,
    /// The first of them, oldest first: each a row of Home.
    pub queue: Vec<QueueItem>,
}

/// A submission returned to me, and how many comments came with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Returned {
    pub row: ResultRow,
    pub comments: usize,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct HomeState {
    pub data: Option<HomeData>,
    /// Index into `items()`.
    pub selected: usize,
}

/// What can be chosen on Home.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HomeItem<'a> {
    Article(&'a ResultRow),
    /// A submission waiting for my review: `Enter` opens it on the Review screen.
    Review(&'a QueueItem),
    /// An article named by id (required reading, a stale article of mine, a new comment on
    /// one): `Enter` opens the reader.
    Read(&'a str),
}

impl HomeState {
    /// What Home lists, in the order it shows them: conflicts, submissions waiting for my
    /// review, my returned submissions, my drafts, required reading, my stale articles, new
    /// comments on my articles, recent articles.
    pub fn items(&self) -> Vec<HomeItem<'_>> {
        let Some(d) = self.data.as_ref() else {
            return Vec::new();
        };
        let mut items: Vec<HomeItem> = d.conflicts.iter().map(HomeItem::Article).collect();
        items.extend(d.evaluation.queue.iter().map(HomeItem::Review));
        let returned = d.evaluation.returned.iter().map(|r| &r.row);
        items.extend(returned.chain(d.drafts.iter()).map(HomeItem::Article));
        items.extend(d.required.iter().map(|r| HomeItem::Read(&r.article)));
        items.extend(d.stale.iter().map(|s| HomeItem::Read(&s.article)));
        items.extend(d.comments.iter().map(|c| HomeItem::Read(&c.article)));
        items.extend(d.recent.iter().map(HomeItem::Article));
        items
    }
}

/// The Knowledge Map screen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapState {
    /// Top categories whose sub-groups are shown.
    pub expanded: BTreeSet<String>,
    pub selected: usize,
    pub offset: usize,
    /// Articles per category (sub-groups included), once loaded.
    pub counts: Option<BTreeMap<String, usize>>,
}

/// One visible row of the tree: the category's index, its depth, whether it has sub-groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeRow {
    pub index: usize,
    pub depth: usize,
    pub parent: bool,
}

/// The rows of the category tree with `expanded` parents open.
pub fn tree_rows(categories: &[Category], expanded: &BTreeSet<String>) -> Vec<TreeRow> {
    let mut rows = Vec::new();
    for (index, c) in categories.iter().enumerate() {
        let depth = c.id.matches('/').count();
        let shown = c
            .parent()
            .is_none_or(|p| ancestors_open(p, categories, expanded));
        if shown {
            let parent = categories
                .get(index + 1)
                .is_some_and(|next| next.parent() == Some(c.id.as_str()));
            rows.push(TreeRow {
                index,
                depth,
                parent,
            });
        }
    }
    rows
}

fn ancestors_open(id: &str, categories: &[Category], expanded: &BTreeSet<String>) -> bool {
    expanded.contains(id)
        && categories
            .iter()
            .find(|c| c.id == id)
            .and_then(Category::parent)
            .is_none_or(|p| ancestors_open(p, categories, expanded))
}

/// Which path field of the Sync screen has the keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SyncField {
    #[default]
    Export,
    Import,
}

/// Where the Sync screen stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SyncPhase {
    #[default]
    Idle,
    /// The report of the last export or import.
    Done(Vec<String>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncState {
    pub export_path: LineInput,
    pub import_path: LineInput,
    pub field: SyncField,
    pub phase: SyncPhase,
    /// The nodes this one writes bundles for (HQ on a post, the posts on HQ), once loaded.
    pub peers: Vec<crate::sync::ExportPeer>,
    /// The peer the next export is for.
    pub peer: usize,
    /// The daily backup's directory and how many backups it keeps (`[backup]` in the config).
    pub auto_backup: Option<(String, usize)>,
    /// When the last backup was made and where, once the daily backup has looked.
    pub last_backup: Option<String>,
}

/// The actions the palette offers for `filter` (matched against names and descriptions).
pub fn palette_items(
    i18n: &crate::tui::i18n::Catalog,
    filter: &str,
) -> Vec<crate::tui::keymap::Action> {
    let filter = filter.trim().to_lowercase();
    crate::tui::keymap::Action::ALL
        .iter()
        .copied()
        .filter(|a| {
            filter.is_empty()
                || a.name().contains(&filter)
                || i18n
                    .t(&format!("action.{}.doc", a.name()))
                    .to_lowercase()
                    .contains(&filter)
        })
        .collect()
}

/// The categories the picker offers for `filter`: the whole tree when empty, else every
/// category whose name (in any language) or id contains it.
pub fn picker_items(categories: &[Category], filter: &str) -> Vec<usize> {
    let filter = filter.trim().to_lowercase();
    categories
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            filter.is_empty()
                || c.id.contains(&filter)
                || [&c.en, &c.th, &c.ko]
                    .iter()
                    .any(|n| n.to_lowercase().contains(&filter))
        })
        .map(|(i, _)| i)
        .collect()
}
