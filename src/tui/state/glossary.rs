//! The Glossary screen's data: the entries shown (all, or those holding the search box's
//! words when the screen was opened), and which is selected.

use crate::glossary::GlossaryEntry;

#[derive(Clone, Debug, Default)]
pub struct GlossaryState {
    /// The words the entries were looked up with; empty for every entry.
    pub query: String,
    /// `None` until the node answered.
    pub entries: Option<Vec<GlossaryEntry>>,
    pub selected: usize,
    /// First entry shown; kept by `update` so the selection stays in view.
    pub offset: usize,
}

impl GlossaryState {
    /// How many entries are shown (none while loading).
    pub fn shown(&self) -> usize {
        self.entries.as_ref().map_or(0, Vec::len)
    }

    pub fn selected_entry(&self) -> Option<&GlossaryEntry> {
        self.entries.as_ref()?.get(self.selected)
    }
}
