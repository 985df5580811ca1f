//! Performing effects against the Replica: the IO half of the state machine. Every failure
//! becomes a `Msg::Failed` for the status line, never an exit. Where an effect runs is the event
//! loop's choice (`tui.rs`): reads on the interface's thread, writes and long work on the worker
//! (`worker.rs`); the functions here are the same for both. `settle` runs effects to the end
//! synchronously (searches included, without the loop's debounce): the tests and the benchmark
//! drive the interface through it exactly as the event loop does.

use std::path::PathBuf;
use std::time::Instant;

mod evaluation;
mod market;

use super::config::Direction;
use super::i18n::Catalog;
use super::picture::{self, PictureKey, Pictures, Shown, Unshowable};
use super::state::reader::BACKLINKS_PAGE;
use super::state::{ArticleDoc, DiffView, HomeData, ResultRow, State};
use super::update::{Effect, Msg, SavedAs, SearchSpec, update};
use crate::core::{ArticlePatch, Cancel, NewArticle, Progress, Replica};
use crate::error::{BundleError, Error, Result};
use crate::model::{Author, Status, User};
use crate::search::{Correction, SearchKind, SearchRequest};

/// How many results a search shows: more than a screen, few enough to stay instant.
pub const RESULT_LIMIT: usize = 50;
/// How many of the best results get a snippet: more than a tall terminal shows at once.
pub const SNIPPET_LIMIT: usize = 20;
/// How many HS descriptions the lookup lists for words.
const HS_LIMIT: usize = 30;
/// How many recent articles and drafts Home lists.
const HOME_LIMIT: usize = 12;

/// Who is working, and where the interface keeps its memory.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub user: Option<User>,
    pub viewer: Option<Author>,
    pub config_dir: Option<PathBuf>,
    /// The interface's catalogue: reports and failures are worded in its language.
    pub i18n: Catalog,
    /// The terminal's graphics protocol and the worker's decoded pictures.
    pub pictures: Pictures,
}

impl Context {
    pub fn new(replica: &Replica, user: Option<User>, config_dir: Option<PathBuf>) -> Self {
        let viewer = user.as_ref().map(|u| replica.author(u));
        Context {
            user,
            viewer,
            config_dir,
            i18n: Catalog::new(super::i18n::UiLang::En),
            pictures: Pictures::default(),
        }
    }

    /// What the person at the keyboard may see: their account's clearance, public without one.
    pub fn clearance(&self) -> crate::model::Classification {
        crate::core::clearance_of(self.user.as_ref())
    }

    /// The same, drawing pictures with `pictures`' protocol.
    pub fn with_pictures(mut self, pictures: Pictures) -> Self {
        self.pictures = pictures;
        self
    }

    /// The same, wording reports and failures from `i18n`.
    pub fn with_catalog(mut self, i18n: Catalog) -> Self {
        self.i18n = i18n;
        self
    }
}

/// Does the IO an effect asks for. `None` for the effects only the event loop can perform
/// (quitting, suspending the terminal for `$EDITOR`, cancelling).
pub fn perform(replica: &mut Replica, ctx: &Context, effect: Effect) -> Option<Msg> {
    perform_job(replica, ctx, effect, &mut |_, _| {}, &Cancel::default())
}

/// As `perform`, for long work that reports `progress` (ops done, ops in all) and stops at its
/// next safe point once `cancel` is set; a cancelled effect answers `Msg::Cancelled`.
pub fn perform_job(
    replica: &mut Replica,
    ctx: &Context,
    effect: Effect,
    progress: Progress,
    cancel: &Cancel,
) -> Option<Msg> {
    // Whichever handle performs it (the loop's or the worker's), it reads as this person.
    replica.set_clearance(ctx.clearance());
    let result = match effect {
        Effect::Quit | Effect::ExternalEditor(_) | Effect::Cancel | Effect::Lock => return None,
        Effect::SignIn { name, password } => {
            return Some(super::update::signin_result(
                &ctx.i18n,
                replica
                    .sign_in(Some(&name), Some(&password))
                    .map(|u| u.name),
            ));
        }
        Effect::SetPassword { password } => {
            let set = match ctx.user.as_ref() {
                Some(user) => replica.set_password(user, &user.name, &password),
                None => Err(Error::SignInRefused),
            };
            return Some(match set {
                Ok(()) => Msg::PasswordSet,
                Err(Error::SignInRefused) => {
                    Msg::SignInRefused(ctx.i18n.t("signin.no_account").to_string())
                }
                Err(e) => Msg::SignInRefused(e.to_string()),
            });
        }
        Effect::LoadHome => home(replica, ctx).map(Msg::Home),
        Effect::LoadCategories => replica.categories().map(Msg::Categories),
        Effect::LoadCounts => replica
            .category_counts(ctx.viewer.as_ref())
            .map(Msg::Counts),
        Effect::LoadCommunities => communities(replica, ctx).map(Msg::Communities),
        Effect::LoadMileage => replica
            .mileage(&crate::core::MileageFilter::default())
            .map(Msg::Mileage),
        Effect::LoadStats => replica
            .stats(&crate::core::StatsFilter::default(), ctx.user.as_ref())
            .map(|s| Msg::Stats(Box::new(s))),
        Effect::LoadUsers => match ctx.user.as_ref().map(|u| replica.accounts(u)) {
            Some(Ok(rows)) => Ok(Msg::Users(Some(rows))),
            // The screen says why in the interface's language.
            Some(Err(Error::Denied { .. })) | None => Ok(Msg::Users(None)),
            Some(Err(e)) => Err(e),
        },
        Effect::LoadGlossary(query) => replica.glossary().map(|g| {
            let entries = g.find(&query).into_iter().cloned().collect();
            Msg::Glossary(query, entries)
        }),
        Effect::Search { generation, spec } => {
            let started = Instant::now();
            search(replica, ctx, &spec).map(|(rows, corrections)| Msg::Results {
                generation,
                rows,
                took_micros: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
                corrections,
            })
        }
        Effect::LoadPreview(id) => replica
            .article(&id)
            .map(|view| Msg::Preview(Box::new(ArticleDoc::new(view, Default::default())))),
        Effect::MarkCommentsSeen(id) => match &ctx.user {
            Some(user) => replica
                .mark_comments_seen(user, Some(&id))
                .map(Msg::CommentsSeen),
            None => Ok(Msg::CommentsSeen(0)),
        },
        Effect::OpenArticle(id) => {
            article_doc(replica, ctx, &id).map(|doc| Msg::Opened(Box::new(doc)))
        }
        Effect::ReloadArticle(id) => {
            article_doc(replica, ctx, &id).map(|doc| Msg::Reloaded(Box::new(doc)))
        }
        Effect::LoadDiff { id, from, to } => replica.diff_revisions(&id, &from, &to).map(|lines| {
            Msg::Diff(DiffView {
                from: from.short(),
                to: to.short(),
                lines,
                scroll: 0,
            })
        }),
        Effect::EditArticle(id) => replica.article(&id).and_then(|view| {
            let doc =
                ArticleDoc::new(view, Default::default()).with_conflict(replica.conflict(&id)?);
            Ok(Msg::EditLoaded(Box::new(doc)))
        }),
        Effect::Save { id, content, then } => {
            save(replica, ctx, id, *content).map(|(id, outcome)| Msg::Saved { id, then, outcome })
        }
        Effect::SyncExport(path) => {
            remember(replica, ctx, Direction::Export, &path);
            sync_export(replica, &ctx.i18n, &path, None, cancel).map(Msg::SyncDone)
        }
        Effect::SyncExportTo { path, to } => {
            remember(replica, ctx, Direction::Export, &path);
            sync_export(replica, &ctx.i18n, &path, Some(to), cancel).map(Msg::SyncDone)
        }
        Effect::LoadPeers => replica.export_peers().map(Msg::Peers),
        Effect::SyncDryRun(path) => {
            remember(replica, ctx, Direction::Import, &path);
            sync_import(replica, &ctx.i18n, &path, true, progress, cancel)
                .map(|report| Msg::DryRun { path, report })
        }
        Effect::SyncImport(path) => {
            sync_import(replica, &ctx.i18n, &path, false, progress, cancel).map(Msg::SyncDone)
        }
        Effect::LoadBacklinks { id, after, offset } => replica
            .backlinks_after(&id, ctx.viewer.as_ref(), &after, BACKLINKS_PAGE)
            .map(|page| Msg::Backlinks { id, offset, page }),
        Effect::HsWords(words) => {
            hs_words(replica, &words).map(|rows| Msg::HsFound { words, rows })
        }
        Effect::AutoBackup { dir, keep } => Ok(auto_backup(replica, &ctx.i18n, &dir, keep)),
        Effect::LoadReviewQueue => match &ctx.user {
            Some(user) => replica.review_queue(user).map(Msg::ReviewQueue),
            None => Ok(Msg::ReviewQueue(Vec::new())),
        },
        Effect::LoadSubmission(id) => replica
            .submission(&id)
            .map(|view| Msg::Submission(Box::new(view))),
        Effect::Evaluate {
            article,
            kind,
            text,
        } => {
            return Some(
                match evaluation::evaluate(replica, ctx, &article, &kind, &text) {
                    Ok(view) => Msg::Evaluated {
                        article,
                        kind,
                        view: Box::new(view),
                    },
                    Err(e) => Msg::EvaluationRefused(failure(&ctx.i18n, &e)),
                },
            );
        }
        Effect::LoadPicture(key) => {
            let shown = load_picture(replica, ctx, &key);
            return Some(Msg::Picture { key, shown });
        }
        Effect::Attach { id, path } => return Some(attach(replica, ctx, id, path)),
        Effect::LoadQuestions(tab) => {
            market::list(replica, ctx, tab).map(|l| Msg::Questions(tab, l))
        }
        Effect::LoadQuestion(id) => {
            market::question(replica, ctx, &id).map(|q| Msg::Question(Box::new(q)))
        }
        Effect::Market { question, action } => {
            return Some(match market::act(replica, ctx, &question, &action) {
                Ok(()) => Msg::MarketDone { question, action },
                Err(e) => Msg::MarketRefused(failure(&ctx.i18n, &e)),
            });
        }
    };
    Some(result.unwrap_or_else(|e| match e {
        Error::Cancelled => Msg::Cancelled,
        e => Msg::Failed(failure(&ctx.i18n, &e)),
    }))
}

/// The daily backup, and the Sync screen's line on it.
fn auto_backup(replica: &Replica, i18n: &crate::tui::i18n::Catalog, dir: &str, keep: usize) -> Msg {
    match replica.daily_backup(std::path::Path::new(dir), keep) {
        Ok(done) => {
            let line = match done.latest {
                Some((path, millis)) => {
                    let time = crate::model::Hlc { millis, counter: 0 }.display();
                    let shown = path.display().to_string();
                    i18n.f("sync.backup_last", &[("time", &time), ("file", &shown)])
                }
                None => i18n.f("sync.backup_none", &[("dir", &dir)]),
            };
            Msg::BackedUp {
                line,
                failed: false,
            }
        }
        Err(e) => Msg::BackedUp {
            line: i18n.f("sync.backup_failed", &[("why", &failure(i18n, &e))]),
            failed: true,
        },
    }
}

/// An attached picture decoded (once per file: `Pictures::decoded`) and fitted to its cells, or
/// why it cannot be drawn, in the interface's language.
fn load_picture(replica: &Replica, ctx: &Context, key: &PictureKey) -> Shown {
    let t = &ctx.i18n;
    let decoded = {
        // A panic elsewhere while the lock was held leaves the cache as it was: still usable.
        let mut cache = ctx
            .pictures
            .decoded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.get_or_decode(&key.blob, || {
            let hash: crate::model::Hash = key
                .blob
                .parse()
                .map_err(|e: Error| Unshowable::Damaged(e.to_string()))?;
            match replica.blob(&hash) {
                Ok(Some(bytes)) => picture::decode(&bytes),
                Ok(None) => Err(Unshowable::NotArrived),
                Err(e) => Err(Unshowable::Damaged(e.to_string())),
            }
        })
    };
    let why = match decoded.map(|image| {
        picture::fit(&ctx.pictures.picker, &image, key.cols, key.rows).map_err(Unshowable::Damaged)
    }) {
        Ok(Ok(picture)) => return Shown::Ready(picture),
        Ok(Err(e)) | Err(e) => e,
    };
    let why = match why {
        Unshowable::NotArrived => t.t("picture.not_arrived").to_string(),
        Unshowable::NotAnImage => t.t("picture.not_an_image").to_string(),
        Unshowable::TooLarge => t.t("picture.too_large").to_string(),
        Unshowable::Damaged(e) => t.f("picture.damaged", &[("why", &e)]),
    };
    Shown::Unshowable(why)
}

/// Attaches the file at `path` (`~/` is the home folder) to the article `id` as the signed-in
/// user; a refusal goes back to the prompt.
fn attach(replica: &mut Replica, ctx: &Context, id: String, path: String) -> Msg {
    let file = match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(&path),
    };
    let attached = match ctx.user.as_ref() {
        Some(user) => replica.attach_file(user, &id, &file, ""),
        None => Err(Error::invalid(
            "attaching needs an account: start Outpost with --user NAME (or set OUTPOST_USER)",
        )),
    };
    match attached {
        Ok(a) => {
            let size = if a.size >= 1_000_000 {
                format!("{:.1} MB", a.size as f64 / 1e6)
            } else {
                format!("{} KB", a.size.div_ceil(1_000))
            };
            let text = ctx.i18n.f(
                "attach.done",
                &[
                    ("name", &a.name),
                    ("mime", &a.mime),
                    ("size", &size),
                    ("id", &id),
                ],
            );
            Msg::Attached { id, text }
        }
        Err(e) => Msg::AttachRefused {
            path,
            why: failure(&ctx.i18n, &e),
        },
    }
}

/// An article as the reader shows it (for the benchmark, which opens one without a search).
pub fn reader_doc(replica: &Replica, ctx: &Context, id: &str) -> Result<ArticleDoc> {
    article_doc(replica, ctx, id)
}

/// An article with the first page of the articles that link to it, as the reader shows it.
fn article_doc(replica: &Replica, ctx: &Context, id: &str) -> Result<ArticleDoc> {
    let view = replica.article(id)?;
    let backlinks = replica.backlinks_page(id, ctx.viewer.as_ref(), 0, BACKLINKS_PAGE)?;
    let mut doc = ArticleDoc::new(view, backlinks)
        .with_conflict(replica.conflict(id)?)
        .with_attachments(replica.attachments(id)?)
        .with_evaluation(Some(replica.evaluation(id)?).filter(|e| !e.votes.is_empty()))
        .with_successor(successor(replica, id)?)
        .with_market(replica.helpful_count(id)?, replica.comments(id)?);
    // The links pane names linked articles by title; one not held here keeps its id.
    for target in crate::core::wiki_links(&doc.content.body) {
        if let Ok(linked) = replica.article(&target) {
            doc.link_titles.insert(target, linked.record.content.title);
        }
    }
    Ok(doc)
}

/// The Sync screen's path, kept for next time for this node and direction (a failure to write
/// it is not worth a message).
fn remember(replica: &Replica, ctx: &Context, direction: Direction, path: &str) {
    let node = replica.node_id().to_string();
    let _ = super::config::remember_sync_path(ctx.config_dir.as_deref(), &node, direction, path);
}

/// Writes a bundle for `to` (else HQ, from a post) into `path`: a directory (a USB stick's
/// mount point) gets a new file named after both offices and the date, anything else is the
/// file itself (never replaced).
fn sync_export(
    replica: &mut Replica,
    t: &Catalog,
    path: &str,
    to: Option<String>,
    cancel: &Cancel,
) -> Result<Vec<String>> {
    let peers = replica.export_peers()?;
    let peer = match &to {
        Some(node) => peers.iter().find(|p| &p.node == node),
        None => peers.first(),
    };
    let Some(peer) = peer.cloned() else {
        return Err(Error::invalid(t.t("sync_report.no_post")));
    };
    let mut out = PathBuf::from(path);
    if out.is_dir() {
        let millis = i64::try_from(replica.now_millis()).unwrap_or(0);
        let date = jiff::Timestamp::from_millisecond(millis)
            .map(|t| t.strftime("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let office = replica.node_info()?.office;
        out = crate::sync::peers::bundle_path(&out, &office, &peer.office, &date);
    }
    let options = crate::sync::ExportOptions {
        to: Some(peer.node.clone()),
        out,
        encrypt_to: Vec::new(),
        armor: false,
        max_part_size: None,
        // The interface never replaces a file: a bundle on the stick may still be undelivered.
        overwrite: false,
        no_attachments: false,
        urgent_only: false,
    };
    let report = replica.sync_export_cancellable(&options, cancel)?;
    let mut lines = vec![t.f(
        "sync_report.exported",
        &[
            ("office", &peer.office),
            ("ops", &report.ops),
            ("articles", &report.articles),
            ("bytes", &report.bytes),
        ],
    )];
    lines.extend(report.files.iter().map(|f| format!("  {}", f.display())));
    Ok(lines)
}

/// Imports the bundle at `path` (or every file in that directory), or with `dry_run` only says
/// what would change.
fn sync_import(
    replica: &mut Replica,
    t: &Catalog,
    path: &str,
    dry_run: bool,
    progress: Progress,
    cancel: &Cancel,
) -> Result<Vec<String>> {
    // Asked to stop before it started: nothing to look at.
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    let taken = replica.import_files(&[PathBuf::from(path)])?;
    let r = replica.sync_import_cancellable(&taken.files, None, dry_run, progress, cancel)?;
    let offices = replica.offices_of(&r.senders)?.join(", ");
    let changes = if dry_run {
        "sync_report.would_bring"
    } else {
        "sync_report.brought"
    };
    let mut lines = vec![
        t.plural(
            "sync_report.bundles",
            r.bundles.len() as u64,
            &[("offices", &offices)],
        ),
        t.f(
            changes,
            &[
                ("new", &r.new_ops),
                ("duplicate", &r.duplicate_ops),
                ("held", &r.held_back),
            ],
        ),
        t.f("sync_report.new_articles", &[("n", &r.new_articles.len())]),
        t.f(
            "sync_report.updated_articles",
            &[("n", &r.updated_articles.len())],
        ),
    ];
    if !r.conflicts.is_empty() {
        let ids = r.conflicts.join(", ");
        lines.push(t.f("sync_report.conflicts", &[("ids", &ids)]));
    }
    for refused in r.refused.iter().take(5) {
        lines.push(t.f(
            "sync_report.refused",
            &[
                ("kind", &refused.kind),
                ("seq", &refused.seq),
                ("node", &refused.node),
                ("reason", &refused.reason),
            ],
        ));
    }
    if r.refused.len() > 5 {
        let more = r.refused.len() - 5;
        lines.push(t.f("sync_report.more_refused", &[("n", &more)]));
    }
    lines.extend(r.forks.iter().cloned());
    lines.extend(
        r.held_reasons
            .iter()
            .map(|why| t.f("sync_report.waiting", &[("why", why)])),
    );
    lines.extend(
        taken
            .skipped_lines()
            .into_iter()
            .map(|what| t.f("sync_report.skipped", &[("what", &what)])),
    );
    Ok(lines)
}

/// A failure as the status line says it, in the interface's language. Failures an officer meets
/// in the course of the work are worded from the catalogue; the rest give the core's reason,
/// framed by the catalogue.
fn failure(t: &Catalog, e: &Error) -> String {
    match e {
        Error::DiskFull { .. } => t.t("failure.disk_full").to_string(),
        Error::Locked { .. } => t.t("failure.locked").to_string(),
        Error::NoArticle { id } => t.f("failure.no_article", &[("id", id)]),
        Error::StoreDamaged { .. } | Error::Corrupt { .. } => {
            t.t("failure.store_damaged").to_string()
        }
        Error::ConflictMarkersLeft => t.t("failure.conflict_markers").to_string(),
        Error::Denied { reason } => t.f("failure.denied", &[("reason", reason)]),
        Error::Bundle(bundle) => bundle_failure(t, bundle),
        other => t.f("failure.other", &[("reason", other)]),
    }
}

/// A bundle that cannot be taken, as the Sync screen says it.
fn bundle_failure(t: &Catalog, e: &BundleError) -> String {
    let (key, file) = match e {
        BundleError::NotABundle { file } => ("failure.not_a_bundle", file),
        BundleError::Damaged { file, .. } | BundleError::Truncated { file, .. } => {
            ("failure.damaged", file)
        }
        BundleError::BadSignature { file, .. } => ("failure.bad_signature", file),
        BundleError::UnknownSender { file, .. } => ("failure.unknown_sender", file),
        BundleError::NotForThisNode { file, .. } => ("failure.not_for_this_node", file),
        BundleError::WrongIdentity { file } => ("failure.wrong_identity", file),
        other => return t.f("failure.other", &[("reason", other)]),
    };
    t.f(key, &[("file", file)])
}

/// The outbox: on a post, what HQ does not hold yet and when a bundle last left; on HQ, every
/// change recorded here (HQ sends to many posts).
fn outbox(replica: &Replica) -> Result<(u64, bool, Option<u64>)> {
    let hq = replica.hq_node()?;
    if hq == replica.node_id() {
        return Ok((replica.log_len()?, false, None));
    }
    let waiting = replica.ops_missing_at(hq)?.len() as u64;
    let sent = replica.peer(hq)?.last_sent_millis;
    Ok((waiting, true, (sent > 0).then_some(sent)))
}

fn home(replica: &Replica, ctx: &Context) -> Result<HomeData> {
    let drafts = match &ctx.viewer {
        Some(viewer) => replica
            .search(&SearchRequest {
                status: Some(Status::Draft),
                limit: HOME_LIMIT,
                viewer: Some(viewer.clone()),
                snippets: Some(0),
                ..Default::default()
            })
            .map(stable)?,
        None => Vec::new(),
    };
    let recent = recent(replica, ctx, HOME_LIMIT)?;
    let (changes, post, last_sent) =
        outbox(replica).or_else(|_| replica.log_len().map(|n| (n, false, None)))?;
    let conflicts = replica
        .conflicts()?
        .into_iter()
        .take(HOME_LIMIT)
        .map(ResultRow::from)
        .collect();
    let needs = evaluation::needs(replica, ctx, HOME_LIMIT)?;
    // A returned submission is listed as returned, not again among the drafts.
    let mut drafts = drafts;
    drafts.retain(|d| !needs.returned.iter().any(|r| r.row.id == d.id));
    Ok(HomeData {
        office: replica.node_info()?.office,
        conflicts,
        drafts,
        recent,
        changes,
        post,
        last_sent,
        demo: crate::demo::is_demo_replica(replica),
        evaluation: needs,
        required: match &ctx.user {
            Some(user) => replica
                .required_reading(user)?
                .into_iter()
                .filter(|r| r.acknowledged.is_none())
                .take(HOME_LIMIT)
                .collect(),
            None => Vec::new(),
        },
        stale: match &ctx.user {
            Some(user) => replica
                .my_stale(user)?
                .into_iter()
                .take(HOME_LIMIT)
                .collect(),
            None => Vec::new(),
        },
        comments: match &ctx.user {
            Some(user) => replica
                .new_comments(user)?
                .into_iter()
                .take(HOME_LIMIT)
                .collect(),
            None => Vec::new(),
        },
    })
}

/// The most recently updated published articles (drafts have their own list on Home): an empty
/// query ranks by freshness alone, through the index, so this stays fast at 100k articles.
fn recent(replica: &Replica, ctx: &Context, limit: usize) -> Result<Vec<ResultRow>> {
    // Ties (articles saved in the same import) are cut by id, so ask for a few more.
    let hits = replica.search(&SearchRequest {
        limit: limit.max(64),
        status: Some(Status::Published),
        kind: Some(SearchKind::Articles),
        viewer: ctx.viewer.clone(),
        snippets: Some(0),
        ..Default::default()
    })?;
    let mut rows = stable(hits);
    rows.truncate(limit);
    Ok(rows)
}

/// Hits best first, equal scores by id: the same list every time for the same knowledge. Hits
/// found through the glossary stay after those the words typed found, as the search ranks them.
fn stable(mut hits: Vec<crate::search::SearchHit>) -> Vec<ResultRow> {
    hits.sort_by(|a, b| {
        (a.via.is_some().cmp(&b.via.is_some()))
            .then_with(|| b.score.total_cmp(&a.score))
            .then_with(|| a.id.cmp(&b.id))
    });
    hits.into_iter().map(ResultRow::from).collect()
}

/// The rows found, and the typos corrected to find them.
fn search(
    replica: &Replica,
    ctx: &Context,
    spec: &SearchSpec,
) -> Result<(Vec<ResultRow>, Vec<Correction>)> {
    let request = SearchRequest {
        text: spec.text.clone(),
        category: spec.category.clone(),
        hs: spec.hs.clone(),
        no_glossary: spec.no_glossary,
        limit: RESULT_LIMIT,
        viewer: ctx.viewer.clone(),
        typing: true,
        // The result list shows a line of the text around the match under each title; the
        // first screenfuls of results are enough (the preview shows the article itself).
        snippets: Some(SNIPPET_LIMIT),
        ..Default::default()
    };
    let found = replica.find(&request)?;
    Ok((stable(found.hits), found.corrections))
}

fn save(
    replica: &mut Replica,
    ctx: &Context,
    id: Option<String>,
    content: crate::model::ArticleContent,
) -> Result<(String, SavedAs)> {
    let user = ctx.user.as_ref().ok_or_else(|| {
        Error::invalid(
            "saving needs an account: start Outpost with --user NAME (or set OUTPOST_USER)",
        )
    })?;
    match id {
        None => {
            let new = NewArticle {
                id: None,
                content,
                publish: false,
            };
            Ok((replica.add_article(user, new)?.to_string(), SavedAs::Draft))
        }
        Some(id) => {
            let patch = ArticlePatch::from(content);
            replica.edit_article(user, &id, patch)?;
            let record = replica.article(&id)?.record;
            let outcome = if record.proposal.is_some() {
                SavedAs::Proposed
            } else if record.status == crate::model::Status::Published {
                SavedAs::Published
            } else {
                SavedAs::Draft
            };
            Ok((id, outcome))
        }
    }
}

/// Feeds `msg` to `update` and performs every effect that follows, until nothing is left.
/// Returns `true` when the interface asked to quit. `$EDITOR` is skipped (there is no terminal).
pub fn settle(replica: &mut Replica, ctx: &Context, state: &mut State, msg: Msg) -> bool {
    let mut queue = std::collections::VecDeque::from([msg]);
    while let Some(msg) = queue.pop_front() {
        for effect in update(state, msg) {
            if effect == Effect::Quit {
                return true;
            }
            queue.extend(perform(replica, ctx, effect));
        }
    }
    false
}

/// HS descriptions matching `words`, best first (what `outpost hs WORDS` lists).
fn hs_words(replica: &Replica, words: &str) -> Result<Vec<crate::tui::state::search::HsLine>> {
    let found = replica.hs_search()?.search(words, HS_LIMIT)?;
    Ok(found
        .iter()
        .map(|m| crate::tui::state::search::HsLine {
            code: m.dotted(),
            description: m.description.clone(),
            depth: 0,
        })
        .collect())
}

/// Every community with its members and outcomes, as the signed-in person may see them.
fn communities(replica: &Replica, ctx: &Context) -> Result<Vec<crate::core::CommunityView>> {
    replica
        .communities()?
        .iter()
        .map(|c| replica.community(&c.name, ctx.user.as_ref()))
        .collect()
}

/// The article that supersedes `id`, with its title, if one does.
fn successor(replica: &Replica, id: &str) -> Result<Option<(String, String)>> {
    let Ok(article) = crate::model::ArticleId::parse(id) else {
        return Ok(None);
    };
    Ok(match replica.successor(&article)? {
        Some(next) => {
            let title = replica
                .article(next.as_str())
                .map(|v| v.record.content.title)
                .unwrap_or_default();
            Some((next.to_string(), title))
        }
        None => None,
    })
}
