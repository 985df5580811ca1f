//! The data of the participation screens: Communities (each community with its members and
//! outcomes, one selected), Mileage (the leaderboard) and Statistics (the report's figures).
//! Each is `None` until the node answered.

use crate::core::{CommunityView, Leaderboard, Stats};

#[derive(Clone, Debug, Default)]
pub struct CommunitiesState {
    pub communities: Option<Vec<CommunityView>>,
    pub selected: usize,
    /// First community shown; kept by `update` so the selection stays in view.
    pub offset: usize,
}

impl CommunitiesState {
    pub fn shown(&self) -> usize {
        self.communities.as_ref().map_or(0, Vec::len)
    }

    pub fn selected_community(&self) -> Option<&CommunityView> {
        self.communities.as_ref()?.get(self.selected)
    }
}

#[derive(Clone, Debug, Default)]
pub struct MileageState {
    pub board: Option<Leaderboard>,
    /// First person shown (the list scrolls; the chart shows the top).
    pub offset: usize,
}

#[derive(Clone, Debug, Default)]
pub struct StatsState {
    pub stats: Option<Stats>,
}
