//! Statistics for HQ's knowledge-management report: articles by category, office, status and
//! month; contributions per office and person; questions; evaluation throughput and the days
//! each step takes; communities and their outcomes. Everything is read from the tables apply
//! keeps (`core/activity.rs`, the evaluations and communities), never from article text, and
//! counts only what the reader may see: published and retired articles up to their clearance,
//! drafts only to their authors. A call reads every summary, evaluation and fact once: the
//! summaries and the evaluations in one walk (both are keyed by the article's id), each record
//! decoded in place with its strings borrowed (`stats/views.rs`), the facts by their first
//! fields (`activity::for_each_contributor`).

use std::collections::{BTreeMap, HashMap};

use redb::ReadableTable;
use serde::Serialize;

use super::Replica;
use super::activity::for_each_contributor;
use crate::error::Result;
use crate::model::community::CommunityRecord;
use crate::model::market::QuestionRecord;
use crate::model::mileage::FactKind;
use crate::model::{Author, Classification, EvalState, Hlc, NodeId, Status, User};
use crate::store;
use views::{ActionView, EntryView, EvaluationView, SummaryView, VerdictView, view};

mod views;

const DAY_MS: u64 = 86_400_000;
const DAY_MILLIS: f64 = DAY_MS as f64;

#[derive(Clone, Debug, Default)]
pub struct StatsFilter {
    /// Only what happened at or after this time (ms since the epoch, UTC): articles created,
    /// contributions, submissions, outcomes.
    pub since_millis: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub articles: ArticleStats,
    pub contributions: Contributions,
    pub questions: QuestionStats,
    pub evaluation: EvaluationStats,
    pub communities: CommunityStats,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ArticleStats {
    pub total: u64,
    /// By the top of the Knowledge Map (`commodity`, `clearance` …).
    pub by_category: BTreeMap<String, u64>,
    pub by_office: BTreeMap<String, u64>,
    pub by_status: BTreeMap<String, u64>,
    /// By the month it was written, `YYYY-MM`.
    pub by_month: BTreeMap<String, u64>,
    /// Published articles past their review-by date.
    pub stale: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Contributions {
    /// Contributions (mileage facts) per office and per person (`name@office`).
    pub by_office: BTreeMap<String, u64>,
    pub by_person: BTreeMap<String, u64>,
    /// Per kind of contribution.
    pub by_kind: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QuestionStats {
    pub asked: u64,
    pub answered: u64,
    /// Median hours from a question to its first answer; none until questions are answered.
    pub median_hours_to_answer: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EvaluationStats {
    pub submissions: u64,
    pub votes: u64,
    /// Evaluations as they stand: published, returned, rejected, waiting (step 1 or 2).
    pub published: u64,
    pub returned: u64,
    pub rejected: u64,
    pub waiting: u64,
    /// Median days from a submission to the end of step 1, and from there to the end of step
    /// 2, over the steps that ended.
    pub median_days_step1: Option<f64>,
    pub median_days_step2: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CommunityStats {
    pub communities: u64,
    pub members: u64,
    pub outcomes: u64,
    /// Outcomes per community name.
    pub outcomes_by_community: BTreeMap<String, u64>,
}

impl Replica {
    /// The figures `viewer` may see.
    pub fn stats(&self, filter: &StatsFilter, viewer: Option<&User>) -> Result<Stats> {
        let since = filter.since_millis.unwrap_or(0);
        let clearance = viewer.map_or(Classification::Public, |u| u.clearance);
        let who = viewer.map(|u| self.author(u));
        let txn = self.read()?;
        let today = Hlc {
            millis: self.now_millis(),
            counter: 0,
        }
        .date();
        let (articles, evaluation) =
            article_and_evaluation_stats(&txn, since, who.as_ref(), clearance, &today)?;
        let contributions = contributions(&txn, since, &self.offices()?)?;
        let questions = question_stats(&txn, since, clearance)?;
        let communities = community_stats(&txn, since)?;
        Ok(Stats {
            articles,
            contributions,
            questions,
            evaluation,
            communities,
        })
    }
}

impl Replica {
    /// Writes the figures `viewer` may see as one HTML page at `path` (replacing it whole, or
    /// leaving it as it was).
    pub fn write_stats_html(
        &self,
        filter: &StatsFilter,
        viewer: Option<&User>,
        path: &std::path::Path,
    ) -> Result<Stats> {
        let stats = self.stats(filter, viewer)?;
        let office = self.node_info()?.office;
        let now = Hlc {
            millis: self.now_millis(),
            counter: 0,
        };
        let since = filter
            .since_millis
            .map(|s| {
                format!(
                    ", since {}",
                    Hlc {
                        millis: s,
                        counter: 0
                    }
                    .date()
                )
            })
            .unwrap_or_default();
        let made = format!("Made at {office} on {} (UTC){since}.", now.display());
        let page = crate::html::stats::stats_page(&stats, "Knowledge management statistics", &made);
        crate::sync::exchange::write_atomically(path, page.as_bytes(), true)?;
        Ok(stats)
    }
}

/// Articles and evaluations in one walk: both tables are keyed by the article's id, so each
/// evaluation is met beside its article's summary (read once, for both) instead of looked up.
/// An evaluation counts when its article is known here and up to `clearance`.
fn article_and_evaluation_stats(
    txn: &redb::ReadTransaction,
    since: u64,
    who: Option<&Author>,
    clearance: Classification,
    today: &str,
) -> Result<(ArticleStats, EvaluationStats)> {
    let evaluations = txn.open_table(store::EVALUATIONS)?;
    let mut evaluations = evaluations.iter()?;
    let mut evaluation = evaluations.next().transpose()?;
    let mut articles = ArticleTally::default();
    let mut tally = EvaluationTally::default();
    for entry in txn.open_table(store::ARTICLE_SUMMARIES)?.iter()? {
        let (id, bytes) = entry?;
        let s: SummaryView<'_> = view(bytes.value())?;
        if s.created.millis >= since && s.visible_to(who, clearance) {
            articles.count(&s, today);
        }
        while evaluation
            .as_ref()
            .is_some_and(|(e, _)| e.value() < id.value())
        {
            evaluation = evaluations.next().transpose()?;
        }
        if let Some((e, record)) = &evaluation
            && e.value() == id.value()
            && s.classification <= clearance
        {
            tally.count(&view(record.value())?, since);
        }
    }
    Ok((articles.finish(), tally.finish()))
}

#[derive(Default)]
struct ArticleTally {
    stats: ArticleStats,
    /// By month number ([`month_number`]), formatted once per month at the end.
    months: HashMap<i64, u64>,
    /// The month of each day met (days since the epoch): dates are computed once a day.
    month_of_day: HashMap<u64, i64>,
}

impl ArticleTally {
    fn count(&mut self, s: &SummaryView<'_>, today: &str) {
        let a = &mut self.stats;
        a.total += 1;
        let top = s.category.split('/').next().unwrap_or_default();
        bump(&mut a.by_category, top);
        bump(&mut a.by_office, s.office);
        bump(&mut a.by_status, s.status.as_str());
        if s.status == Status::Published && s.review_by.is_some_and(|d| d < today) {
            a.stale += 1;
        }
        let day = s.created.millis / DAY_MS;
        let month = *self
            .month_of_day
            .entry(day)
            .or_insert_with(|| month_number(s.created));
        *self.months.entry(month).or_default() += 1;
    }

    fn finish(mut self) -> ArticleStats {
        self.stats.by_month = self
            .months
            .into_iter()
            .map(|(m, n)| (format!("{:04}-{:02}", m / 12, m % 12 + 1), n))
            .collect();
        self.stats
    }
}

/// Adds one to `key`'s count, copying the key only the first time it is met.
fn bump(counts: &mut BTreeMap<String, u64>, key: &str) {
    match counts.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            counts.insert(key.to_string(), 1);
        }
    }
}

/// Months since year 0 (year × 12 + month − 1): cheap to group by, formatted once per month.
fn month_number(at: Hlc) -> i64 {
    let date = at.timestamp().to_zoned(jiff::tz::TimeZone::UTC).date();
    i64::from(date.year()) * 12 + i64::from(date.month()) - 1
}

/// Contributions (mileage facts) since `since`, per kind, person and office.
fn contributions(
    txn: &redb::ReadTransaction,
    since: u64,
    offices: &HashMap<NodeId, String>,
) -> Result<Contributions> {
    // Counted per person and kind first: a name is copied once per person and formatted once,
    // not per fact.
    let mut per_person: HashMap<NodeId, BTreeMap<String, u64>> = HashMap::new();
    let mut per_kind: BTreeMap<FactKind, u64> = BTreeMap::new();
    for_each_contributor(txn, since, |kind, node, name| {
        *per_kind.entry(kind).or_default() += 1;
        bump(per_person.entry(node).or_default(), name);
    })?;
    let mut out = Contributions::default();
    for (node, names) in per_person {
        let office = offices.get(&node).cloned().unwrap_or_else(|| node.short());
        for (name, n) in names {
            out.by_person.insert(format!("{name}@{office}"), n);
            *out.by_office.entry(office.clone()).or_default() += n;
        }
    }
    for (kind, n) in per_kind {
        out.by_kind.insert(kind.key().to_string(), n);
    }
    Ok(out)
}

#[derive(Default)]
struct EvaluationTally {
    stats: EvaluationStats,
    step1: Vec<f64>,
    step2: Vec<f64>,
}

impl EvaluationTally {
    /// One article's evaluation, if anything in it happened at or after `since`.
    fn count(&mut self, record: &EvaluationView<'_>, since: u64) {
        let out = &mut self.stats;
        let mut recent = false;
        for e in record.entries.iter().filter(|e| e.hlc.millis >= since) {
            recent = true;
            match e.action {
                ActionView::Submitted { .. } => out.submissions += 1,
                ActionView::Evaluated { .. } if e.counted => out.votes += 1,
                ActionView::Evaluated { .. } => {}
            }
        }
        if !recent {
            return;
        }
        match record.state {
            EvalState::Published => out.published += 1,
            EvalState::Returned => out.returned += 1,
            EvalState::Rejected => out.rejected += 1,
            EvalState::Step1 | EvalState::Step2 => out.waiting += 1,
            EvalState::Draft => {}
        }
        step_durations(record, &mut self.step1, &mut self.step2);
    }

    fn finish(mut self) -> EvaluationStats {
        self.stats.median_days_step1 = median(&mut self.step1);
        self.stats.median_days_step2 = median(&mut self.step2);
        self.stats
    }
}

/// The days each step of each submission took, for the steps that ended. A step ends with its
/// last counted vote once a later step, a return or a rejection, or a newer submission, came.
fn step_durations(record: &EvaluationView<'_>, step1: &mut Vec<f64>, step2: &mut Vec<f64>) {
    let mut submitted: Vec<_> = record
        .entries
        .iter()
        .filter(|e| matches!(e.action, ActionView::Submitted { .. }))
        .collect();
    submitted.dedup_by_key(|e| e.revision);
    for sub in submitted {
        let votes = |step: u8| {
            record.entries.iter().filter(move |e| {
                e.revision == sub.revision
                    && e.counted
                    && matches!(e.action, ActionView::Evaluated { step: s, .. } if s == step)
            })
        };
        let ends = |e: &&EntryView<'_>| {
            matches!(
                e.action,
                ActionView::Evaluated {
                    verdict: VerdictView::Return { .. } | VerdictView::Reject { .. },
                    ..
                }
            )
        };
        let moved_on = record.revision != Some(sub.revision);
        let last1 = votes(1).next_back();
        let step1_over = votes(2).next().is_some() || votes(1).any(|e| ends(&e)) || moved_on;
        let Some(end1) = last1.filter(|_| step1_over) else {
            continue;
        };
        step1.push(days(sub.hlc, end1.hlc));
        let published = record.state == EvalState::Published && !moved_on;
        let step2_over = published || votes(2).any(|e| ends(&e)) || moved_on;
        if let Some(end2) = votes(2).next_back().filter(|_| step2_over) {
            step2.push(days(end1.hlc, end2.hlc));
        }
    }
}

fn days(from: Hlc, to: Hlc) -> f64 {
    to.millis.saturating_sub(from.millis) as f64 / DAY_MILLIS
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// Questions asked since `since` that `clearance` may see, how many have an answer here, and
/// the median time from a question to its first answer (by the ops' clocks).
fn question_stats(
    txn: &redb::ReadTransaction,
    since: u64,
    clearance: Classification,
) -> Result<QuestionStats> {
    let mut out = QuestionStats::default();
    let mut hours = Vec::new();
    for entry in txn.open_table(store::QUESTIONS)?.iter()? {
        let q: QuestionRecord = store::decode(entry?.1.value())?;
        if q.hlc.millis < since || q.classification > clearance {
            continue;
        }
        out.asked += 1;
        if let Some(first) = q.answers.iter().map(|a| a.hlc.millis).min() {
            out.answered += 1;
            hours.push(first.saturating_sub(q.hlc.millis) as f64 / 3_600_000.0);
        }
    }
    out.median_hours_to_answer = median(&mut hours);
    Ok(out)
}

fn community_stats(txn: &redb::ReadTransaction, since: u64) -> Result<CommunityStats> {
    let mut out = CommunityStats::default();
    for entry in txn.open_table(store::COMMUNITIES)?.iter()? {
        let (_, v) = entry?;
        let r: CommunityRecord = store::decode(v.value())?;
        out.communities += 1;
        out.members += r.members.len() as u64;
        let outcomes = r.outcomes.iter().filter(|o| o.hlc.millis >= since).count() as u64;
        out.outcomes += outcomes;
        out.outcomes_by_community.insert(r.created.name, outcomes);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn months_are_numbered_in_utc() {
        // 2026-01-31 23:30 UTC is January; 2026-02-01 00:30 UTC is February.
        let jan = Hlc {
            millis: 1_769_902_200_000,
            counter: 0,
        };
        let feb = Hlc {
            millis: 1_769_905_800_000,
            counter: 0,
        };
        assert_eq!(month_number(jan) + 1, month_number(feb));
        assert_eq!(month_number(jan), 2026 * 12);
    }
}
