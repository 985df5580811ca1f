//! Command-line arguments (clap derive). Names and flags follow DESIGN.md's CLI contract.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

use crate::model::{Classification, Kind, Lang, Role, Status};
use crate::search::SearchKind;
use crate::tui::i18n::UiLang;

/// The model's word enums as clap values: the flag takes their words (any case), and `--help`
/// and a wrong value list them.
macro_rules! value_enums {
    ($($t:ty),*) => {$(
        impl ValueEnum for $t {
            fn value_variants<'a>() -> &'a [Self] {
                <$t>::ALL
            }
            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(PossibleValue::new(self.as_str()))
            }
        }
    )*};
}
value_enums!(Lang, Kind, Classification, Status, Role);

/// The interface's languages as the flag's values, by their codes (`en`, `th`, any case).
impl ValueEnum for UiLang {
    fn value_variants<'a>() -> &'a [Self] {
        UiLang::ALL
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.code()))
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "outpost",
    version,
    about = "Offline knowledge base for customs officers",
    after_help = "Exit status: 0 on success, also when a reader such as `head` closes the output \
                  early; 1 on an error (the message says what to do), including output that \
                  cannot be written; 2 when there is no terminal for the interface."
)]
pub struct Cli {
    /// Where this node's data lives (default: OUTPOST_HOME, else the platform data dir).
    #[arg(long, global = true, env = "OUTPOST_HOME", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The acting account (default: OUTPOST_USER, else the only account on the node).
    #[arg(long, global = true, env = "OUTPOST_USER", value_name = "NAME")]
    pub user: Option<String>,
    /// Language of the interactive interface (default: OUTPOST_LANG, else the locale). Not
    /// global: `add`/`edit` have their own `--lang`, the article's language. OUTPOST_LANG is read
    /// by the interface, not by clap, so a locale such as `th_TH.UTF-8` there is understood.
    #[arg(long, value_name = "LANG", ignore_case = true)]
    pub lang: Option<UiLang>,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Whether `--user` was typed on the command line (not taken from OUTPOST_USER): `audit`
    /// then lists only that person's ops.
    #[arg(skip)]
    pub user_typed: bool,
}

impl Cli {
    /// Parses the process's arguments, noting whether `--user` came from the command line.
    pub fn parse_noting_user() -> Self {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command().get_matches();
        let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        cli.user_typed =
            matches.value_source("user") == Some(clap::parser::ValueSource::CommandLine);
        cli
    }
}

// Each subcommand enum is `defer`red: a subcommand's arguments are built only when it is the
// one invoked. Building every subcommand's arguments cost each short command (`outpost search`)
// about 0.2 ms and 90 page faults before it began its work.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Create a node in the data directory.
    Init(InitArgs),
    /// Write a new article (body from --body-file, or from standard input when piped).
    Add(AddArgs),
    /// Record a new revision of an article.
    Edit(EditArgs),
    /// Attach files (images, PDFs) to an article; a PDF's text becomes searchable.
    Attach {
        id: String,
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// A caption for the files attached.
        #[arg(long, value_name = "TEXT", default_value = "")]
        caption: String,
    },
    /// Remove an attachment from an article.
    Detach { id: String, name: String },
    /// List an article's attachments.
    Attachments {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Write an attachment to a file and hand it to the system's viewer (with --out, only write
    /// it there).
    Open {
        id: String,
        name: String,
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Show an article with its metadata and revision history.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// List articles, most recently updated first.
    List {
        #[arg(long)]
        category: Option<String>,
        #[arg(long, ignore_case = true)]
        status: Option<Status>,
        #[arg(long)]
        json: bool,
    },
    /// Retire an article: it stays in history but no longer appears in lists and searches.
    Retire { id: String },
    /// Publish an article directly (an administrator on the HQ node).
    Publish { id: String },
    /// Search the knowledge base.
    Search(SearchArgs),
    /// Look up an HS code (chapter → heading → subheading) or search the HS descriptions.
    Hs {
        /// A code (`0901`, `0901.21`, `44`) or words (`teak logs`).
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// List the Knowledge Map's categories.
    Categories {
        #[arg(long)]
        json: bool,
    },
    /// Import Markdown files with YAML front matter from a directory (a file marked
    /// `status: retired` is imported retired).
    ImportMd {
        dir: PathBuf,
        /// Publish what is imported (an administrator on the HQ node).
        #[arg(long)]
        publish: bool,
    },
    /// Export every article — drafts, published and retired — as a Markdown file with YAML
    /// front matter that includes its status.
    ExportMd { dir: PathBuf },
    /// Export articles as self-contained HTML pages to read in a browser or print (A4, the
    /// classification marked on every page): the articles named, a category's handbook, or the
    /// published articles a search finds.
    ExportHtml(ExportHtmlArgs),
    /// Exchange knowledge with HQ and other posts as bundle files.
    #[command(subcommand)]
    Sync(SyncCommand),
    /// Nodes: enrol a post (HQ), list and show the nodes this one knows.
    #[command(subcommand)]
    Node(NodeCommand),
    /// Accounts of this node: add, list, disable, enable.
    #[command(subcommand)]
    User(UserCommand),
    /// Evaluator and expert rights over categories, granted by HQ to people anywhere.
    #[command(subcommand)]
    Role(RoleCommand),
    /// Submit an article you wrote for two-step evaluation.
    Submit {
        id: String,
        /// A note for the evaluators.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Evaluate submissions: approve, return, reject, and what waits for you.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// HQ's policy numbers, e.g. `outpost policy set evaluation.step2-approvals 3`.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Published articles past their review-by date, due within 30 days, or flagged.
    Stale {
        /// Only the articles you own.
        #[arg(long)]
        mine: bool,
        #[arg(long)]
        json: bool,
    },
    /// Flag an article for its owner's look (anyone): "outdated", "wrong", …
    Flag {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Say an article is still correct (its owner or an evaluator of its category): its
    /// review-by date moves forward and its flags are cleared.
    Confirm {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Ask the experts of a category a question (body from --body-file or standard input).
    Ask(AskArgs),
    /// Answer a question (body from --body-file or standard input).
    Answer {
        question: String,
        #[arg(long, value_name = "FILE")]
        body_file: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Accept an answer to a question you asked.
    Accept {
        question: String,
        answer: String,
        #[arg(long)]
        json: bool,
    },
    /// Turn an answer you wrote into a draft article linked back to its question (then
    /// `outpost submit` it for evaluation).
    Promote {
        answer: String,
        #[arg(long)]
        json: bool,
    },
    /// Comment on a question or an article, or reply to a comment (--reply-to).
    Comment {
        /// A question id or an article id.
        target: String,
        #[arg(long)]
        text: String,
        #[arg(long, value_name = "COMMENT")]
        reply_to: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Comments others left on articles you wrote that you have not seen on this node,
    /// newest first (`--new`; the reader marks an article's comments seen when you open it).
    Comments {
        /// List the new comments (the only listing there is, said so it reads plainly).
        #[arg(long)]
        new: bool,
        /// After listing them, mark them seen.
        #[arg(long)]
        mark_seen: bool,
        #[arg(long)]
        json: bool,
    },
    /// Mark an answer or an article helpful (--undo withdraws your vote).
    Helpful {
        id: String,
        #[arg(long)]
        undo: bool,
        #[arg(long)]
        json: bool,
    },
    /// List the Knowledge Market's questions, urgent first, with where each one is.
    Questions {
        /// Only the questions you asked.
        #[arg(long, group = "which")]
        mine: bool,
        /// Only the questions in the categories where you are an expert.
        #[arg(long, group = "which")]
        inbox: bool,
        /// Only the questions without an accepted answer.
        #[arg(long, group = "which")]
        open: bool,
        /// The questions whose title, body, answers or HS codes hold these words, best first.
        #[arg(long, value_name = "WORDS", group = "which")]
        search: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show a question with its answers and comments.
    Question {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Send readers of an article to its successor (an evaluator of its category, or HQ).
    Supersede {
        old: String,
        /// The successor.
        #[arg(long, value_name = "NEW")]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// Make an article required reading for an office or a role by a date (HQ).
    Require(RequireArgs),
    /// Acknowledge required reading (`outpost ack ID`); without an id, what you must read;
    /// `outpost ack report` for compliance per office and person.
    Ack(AckArgs),
    /// Communities of practice: found one, join, leave, list, show, record an outcome.
    #[command(subcommand)]
    Cop(CopCommand),
    /// Mileage: points for contributions, as a leaderboard of people and offices, or one
    /// person's history (`--person NAME@OFFICE`); `mileage rules` shows or (HQ) sets the rules.
    Mileage(MileageArgs),
    /// Statistics for the knowledge-management report: articles, contributions, questions,
    /// evaluation, communities; `--html FILE` writes them as one self-contained page.
    Stats {
        /// Only what happened since this date (YYYY-MM-DD, UTC) or time.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Write an HTML report with charts to FILE (inline SVG, nothing fetched).
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// List articles whose concurrent edits could not be merged.
    Conflicts {
        #[arg(long)]
        json: bool,
    },
    /// Resolve a conflict with a new revision: one version's content, or a new body.
    Resolve {
        id: String,
        /// Keep this version (a revision id or its first 12 digits, from `outpost show`).
        #[arg(long, value_name = "REVISION", conflicts_with = "body_file")]
        take: Option<String>,
        /// Resolve with this body (`-` for standard input).
        #[arg(long, value_name = "FILE")]
        body_file: Option<String>,
    },
    /// The customs glossary in English, Thai and Korean: look a term up, or (an administrator
    /// at HQ or on a node HQ trusts) add and edit entries.
    Glossary(GlossaryArgs),
    /// Rebuild the search index from the store.
    Reindex,
    /// Verify signatures, hash chains, the materialized tables and the index.
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Who did what, when, from which node and under which key, from the signed log.
    ///
    /// `--user NAME` (on any node) or `--user NAME@OFFICE` typed on the command line lists only
    /// that person's ops; OUTPOST_USER does not filter.
    Audit {
        /// Only ops touching this article.
        #[arg(long, value_name = "ID")]
        article: Option<String>,
        /// Only ops made since this date (YYYY-MM-DD, UTC) or time (2026-12-01T08:30:00Z).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write a verified backup of this node (keys, log, local tables) while it may be in use.
    Backup {
        file: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// Verify a backup, then restore its node into the data directory (rebuilding the tables
    /// and the search index from its log).
    Restore {
        file: PathBuf,
        /// Keep a backup of another node as a new node with new keys (empty data directory).
        #[arg(long)]
        as_new_node: bool,
        #[arg(long)]
        json: bool,
    },
}

impl Command {
    /// Whether the command only reads the node: it opens it read-only (no write lock, nothing
    /// written or synced), beside any other Outpost process.
    pub fn reads_only(&self) -> bool {
        matches!(
            self,
            Command::Show { .. }
                | Command::Attachments { .. }
                | Command::Open { .. }
                | Command::List { .. }
                | Command::Search(_)
                | Command::Hs { .. }
                | Command::Categories { .. }
                | Command::ExportMd { .. }
                | Command::ExportHtml(_)
                | Command::Conflicts { .. }
                | Command::Check { .. }
                | Command::Audit { .. }
                | Command::Backup { .. }
                | Command::Sync(SyncCommand::Status { .. })
                | Command::Node(NodeCommand::List { .. } | NodeCommand::Show { .. })
                | Command::User(UserCommand::List { .. } | UserCommand::Failures { .. })
                | Command::Role(RoleCommand::List { .. })
                | Command::Glossary(GlossaryArgs { change: None, .. })
                | Command::Review(ReviewCommand::Queue { .. })
                | Command::Stale { .. }
                | Command::Ack(AckArgs {
                    command: Some(AckCommand::Report { .. }),
                    ..
                })
                | Command::Ack(AckArgs {
                    command: None,
                    id: None,
                    ..
                })
                | Command::Questions { .. }
                | Command::Question { .. }
                | Command::Comments {
                    mark_seen: false,
                    ..
                }
                | Command::Cop(CopCommand::List { .. } | CopCommand::Show { .. })
                | Command::Mileage(MileageArgs { rules: None, .. })
                | Command::Mileage(MileageArgs {
                    rules: Some(MileageCommand::Rules(RulesCommand::Show { .. })),
                    ..
                })
                | Command::Stats { .. }
        )
    }
}

#[derive(Debug, Args)]
pub struct AskArgs {
    #[arg(long)]
    pub title: String,
    /// A Knowledge Map category id (`outpost categories`): its experts are asked.
    #[arg(long)]
    pub category: String,
    /// Urgent questions travel first (`outpost sync export --urgent-only`).
    #[arg(long)]
    pub urgent: bool,
    /// HS codes the question is about, comma-separated.
    #[arg(long, value_name = "CODES")]
    pub hs: Option<String>,
    /// Who may read it (default customs-only).
    #[arg(long, ignore_case = true)]
    pub classification: Option<Classification>,
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The office (border post or HQ unit) this node serves.
    #[arg(long, required_unless_present = "from")]
    pub office: Option<String>,
    /// Start a post from the enrolment file HQ wrote with `outpost node enrol`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["office", "hq", "demo"])]
    pub from: Option<PathBuf>,
    /// This node is headquarters: the authority for privileged operations.
    #[arg(long)]
    pub hq: bool,
    /// Name of the administrator account to create.
    #[arg(long, default_value = "admin")]
    pub admin: String,
    /// Load the demo knowledge.
    #[arg(long)]
    pub demo: bool,
    /// Replace the demo knowledge base that plain `outpost` made in this data directory,
    /// without asking (its drafts are exported as Markdown first).
    #[arg(long)]
    pub replace_demo: bool,
    /// Read the administrator's password from the first line of standard input (without it,
    /// it is asked on a terminal; with neither, the node has no password).
    #[arg(long)]
    pub password_stdin: bool,
}

/// Fields shared by `add` and `edit`.
#[derive(Debug, Args)]
pub struct ArticleFields {
    #[arg(long)]
    pub summary: Option<String>,
    /// Comma-separated tags.
    #[arg(long)]
    pub tags: Option<String>,
    /// Comma-separated HS codes (4, 6, 8 or 10 digits, dotted or not).
    #[arg(long)]
    pub hs: Option<String>,
    /// The article's language (default: detected from the text).
    #[arg(long, ignore_case = true)]
    pub lang: Option<Lang>,
    /// What sort of knowledge it holds (default: procedure).
    #[arg(long, ignore_case = true)]
    pub kind: Option<Kind>,
    /// Who may read it (default: public).
    #[arg(long, ignore_case = true)]
    pub classification: Option<Classification>,
    /// YYYY-MM-DD.
    #[arg(long)]
    pub review_by: Option<String>,
    /// Read the body from this file (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub title: String,
    #[arg(long)]
    pub category: String,
    /// A readable id (lower-case letters, digits, hyphens); random when omitted.
    #[arg(long)]
    pub id: Option<String>,
    /// Publish at once (an administrator on the HQ node).
    #[arg(long)]
    pub publish: bool,
    #[command(flatten)]
    pub fields: ArticleFields,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    pub id: String,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub category: Option<String>,
    #[command(flatten)]
    pub fields: ArticleFields,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The words to look for.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Only this category and its sub-groups.
    #[arg(long)]
    pub category: Option<String>,
    /// Only articles with an HS code starting with this prefix.
    #[arg(long)]
    pub hs: Option<String>,
    #[arg(long, ignore_case = true)]
    pub status: Option<Status>,
    /// Only this kind: an article kind (procedure, technique, case, lesson, regulation-note),
    /// `article` for every article, or `question` for the Knowledge Market's questions.
    /// Without it, questions are found beside articles.
    #[arg(long)]
    pub kind: Option<SearchKind>,
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
    /// With --json: print `{"hits": [...], "hs_suggestions": [...]}` instead of the hits array.
    #[arg(long)]
    pub hs_suggestions: bool,
    /// Search the query's own words only, not their glossary terms in other languages.
    #[arg(long)]
    pub no_glossary: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct GlossaryArgs {
    #[command(subcommand)]
    pub change: Option<GlossaryCommand>,
    /// A term in English, Thai or Korean, an entry id or a category; without it, every entry.
    #[arg(num_args = 0..)]
    pub term: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum GlossaryCommand {
    /// Add an entry (privileged).
    Add(GlossaryEntryArgs),
    /// Replace the fields given of an entry, shipped or added (privileged).
    Edit(GlossaryEntryArgs),
}

#[derive(Debug, Args)]
pub struct GlossaryEntryArgs {
    /// The entry's id: lower-case letters, digits and `-` (`bonded-warehouse`).
    pub id: String,
    /// Its Knowledge Map category (`clearance/transit`); required to add.
    #[arg(long)]
    pub category: Option<String>,
    /// English terms, separated by `;`, the preferred first.
    #[arg(long)]
    pub en: Option<String>,
    /// Thai terms, separated by `;`, the preferred first.
    #[arg(long)]
    pub th: Option<String>,
    /// Korean terms, separated by `;`, the preferred first.
    #[arg(long)]
    pub ko: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).args(["ids", "category", "query"])))]
pub struct ExportHtmlArgs {
    /// The folder to write into (made when missing): index.html, articles/ID.html and, for a
    /// category, handbook.html.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Articles to export, one page each.
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// A handbook of every published article of this category and its sub-groups.
    #[arg(long)]
    pub category: Option<String>,
    /// The published articles these words find, best first.
    #[arg(long, value_name = "WORDS")]
    pub query: Option<String>,
    /// With --query: at most this many articles.
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    /// Print what was written as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum SyncCommand {
    /// Write every op the peer is not known to hold into a bundle file.
    Export {
        /// The peer (office name or node id); HQ by default on a post.
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Encrypt to an age recipient (`age1…`) or a known node's name; repeatable.
        #[arg(long, value_name = "RECIPIENT")]
        encrypt_to: Vec<String>,
        /// ASCII-armour the encrypted file, for email.
        #[arg(long)]
        armor: bool,
        /// Split into numbered parts of at most this size (e.g. 10M, 512K).
        #[arg(long, value_name = "SIZE")]
        max_part_size: Option<String>,
        /// Replace an existing file at --out (it may be a bundle not delivered yet).
        #[arg(long)]
        force: bool,
        /// Leave attachments' files out (a text-only bundle for email); the next export to the
        /// same peer carries them.
        #[arg(long)]
        no_attachments: bool,
        /// Only urgent questions and answers (with the earlier ops their nodes' chains need),
        /// no attachments: a small bundle for an email. The next full export carries the rest.
        #[arg(long)]
        urgent_only: bool,
        #[arg(long)]
        json: bool,
    },
    /// Verify, decrypt and apply bundle files (all parts of a split bundle together). A folder
    /// gives every bundle and part in it; its other files are skipped and listed.
    Import {
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// An age identity file to decrypt with (default: this node's own).
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
        /// Report what would change and conflict; change nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// The outbox, the last bundles per peer, and held-back ops.
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum NodeCommand {
    /// Enrol a new post (HQ): writes the file the post starts from with `init --from`.
    Enrol {
        #[arg(long)]
        office: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Authorize a node's administrators to sign privileged ops: publish, change the Knowledge
    /// Map, enrol posts (HQ only; e.g. a regional office).
    Trust { node: String },
    /// Revoke a node's key (HQ; a lost laptop): its ops after those HQ holds are refused
    /// everywhere. Enrol the post again under a new key to go on.
    Revoke { node: String },
    /// The nodes this node knows.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One node: its keys and what it is known to hold.
    Show {
        node: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum UserCommand {
    /// Create an account on this node (an administrator).
    Add {
        name: String,
        #[arg(long, ignore_case = true, default_value = "officer")]
        role: Role,
        /// The most classified content the account may see (default: restricted for an
        /// administrator, customs-only for everyone else).
        #[arg(long, ignore_case = true)]
        clearance: Option<Classification>,
        /// Read the new account's password from the first line of standard input (without
        /// it, it is asked on a terminal).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set an account's password (your own, or any of this node's as an administrator).
    Passwd {
        name: String,
        /// Read the new password from the first line of standard input (without it, it is
        /// asked twice on a terminal).
        #[arg(long)]
        password_stdin: bool,
    },
    /// The accounts of this node.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Failed sign-ins per name tried (unknown names included): how many, and when.
    Failures {
        #[arg(long)]
        json: bool,
    },
    /// Stop an account from signing in or acting; its history stays.
    Disable { name: String },
    /// Let a disabled account sign in again.
    Enable { name: String },
    /// Set an account's clearance.
    Clear {
        name: String,
        #[arg(ignore_case = true)]
        clearance: Classification,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum RoleCommand {
    /// Grant evaluator or expert rights over a category subtree (HQ or a trusted node).
    Grant {
        /// The person, as NAME@OFFICE.
        person: String,
        #[arg(ignore_case = true)]
        role: Role,
        /// The category whose subtree the rights cover (default: the whole Knowledge Map).
        #[arg(long)]
        category: Option<String>,
    },
    /// Withdraw a grant: the holder's ops from now on no longer carry it.
    Revoke {
        /// The person, as NAME@OFFICE.
        person: String,
        #[arg(ignore_case = true)]
        role: Role,
        #[arg(long)]
        category: Option<String>,
    },
    /// Every grant this node knows.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ReviewCommand {
    /// Approve the submission in its current step; in step 1, `--category` moves it.
    Approve {
        id: String,
        #[arg(long)]
        category: Option<String>,
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Send the submission back to its author, saying what to change.
    Return {
        id: String,
        #[arg(long)]
        comment: String,
    },
    /// Reject the submission, saying why.
    Reject {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// What waits for you: in your categories and your step, oldest first.
    Queue {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("audience").required(true).args(["office", "role"])))]
pub struct RequireArgs {
    pub id: String,
    /// Everyone at this office.
    #[arg(long)]
    pub office: Option<String>,
    /// Everyone with this role (their account's, or granted).
    #[arg(long, ignore_case = true)]
    pub role: Option<Role>,
    /// The date to have read it by (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub by: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AckArgs {
    #[command(subcommand)]
    pub command: Option<AckCommand>,
    /// The article you read.
    pub id: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum AckCommand {
    /// Compliance per office and person, as known at this node.
    Report {
        #[arg(long)]
        office: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum CopCommand {
    /// Found a community of practice (you join it).
    Create {
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        /// The Knowledge Map category it works in.
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Join a community.
    Join {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Leave a community you belong to.
    Leave {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Every community, with its members and outcomes counted.
    List {
        #[arg(long)]
        json: bool,
    },
    /// A community: its description, members (name@office) and outcomes.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Record what the community achieved (members only).
    Outcome {
        name: String,
        #[arg(long)]
        title: String,
        /// When it was achieved: YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// Articles it produced.
        #[arg(long = "article", value_name = "ID")]
        articles: Vec<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct MileageArgs {
    #[command(subcommand)]
    pub rules: Option<MileageCommand>,
    /// Only people of this office.
    #[arg(long)]
    pub office: Option<String>,
    /// Only contributions since this date (YYYY-MM-DD, UTC) or time.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// One person's history of points instead: NAME@OFFICE.
    #[arg(long, value_name = "NAME@OFFICE", conflicts_with = "office")]
    pub person: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum MileageCommand {
    /// The rules points are computed by.
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum RulesCommand {
    /// The rules in force: points per kind of contribution.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Replace the rules for every node from a TOML file like the shipped mileage.toml (HQ).
    Set {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum PolicyCommand {
    /// Set a policy number over the whole Knowledge Map or a category subtree (HQ).
    Set {
        /// evaluation.step1-approvals, evaluation.step2-approvals or
        /// freshness.review-months.KIND (procedure, technique, case, lesson, regulation-note).
        key: String,
        value: u32,
        #[arg(long)]
        category: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap's own checks of the definition (conflicting names, flags, groups), run over every
    /// subcommand: deferred ones are built for it.
    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    fn add(extra: &[&str]) -> Result<ArticleFields, clap::Error> {
        let mut args = vec!["outpost", "add", "--title", "T", "--category", "c"];
        args.extend_from_slice(extra);
        match Cli::try_parse_from(args)?.command {
            Some(Command::Add(a)) => Ok(a.fields),
            other => panic!("not an add: {other:?}"),
        }
    }

    #[test]
    fn export_html_takes_ids_or_a_category_or_a_query_and_not_two_of_them() {
        let parse = |extra: &[&str]| {
            let mut args = vec!["outpost", "export-html", "--out", "x"];
            args.extend_from_slice(extra);
            Cli::try_parse_from(args).map(|cli| cli.command)
        };
        assert!(matches!(
            parse(&["a-b", "c-d"]),
            Ok(Some(Command::ExportHtml(ExportHtmlArgs { ref ids, .. }))) if ids.len() == 2
        ));
        assert!(parse(&["--category", "commodity"]).is_ok());
        assert!(parse(&["--query", "seal"]).is_ok());
        assert!(parse(&[]).is_err());
        assert!(parse(&["a-b", "--category", "commodity"]).is_err());
        assert!(parse(&["--query", "seal", "--category", "commodity"]).is_err());
    }

    #[test]
    fn word_flags_take_the_models_words_in_any_case() {
        let fields = add(&[
            "--kind",
            "Regulation-Note",
            "--lang",
            "th",
            "--classification",
            "customs-only",
        ])
        .expect("parses");
        assert_eq!(fields.kind, Some(Kind::RegulationNote));
        assert_eq!(fields.lang, Some(Lang::Th));
        assert_eq!(fields.classification, Some(Classification::CustomsOnly));
        let wrong = add(&["--kind", "recipe"]).expect_err("refused").to_string();
        for word in Kind::ALL {
            assert!(wrong.contains(word.as_str()), "{wrong}");
        }
        let list = Cli::try_parse_from(["outpost", "list", "--status", "DRAFT"]).expect("parses");
        assert!(matches!(
            list.command,
            Some(Command::List {
                status: Some(Status::Draft),
                ..
            })
        ));
    }

    #[test]
    fn the_interface_language_is_one_of_its_codes() {
        let lang = |args: &[&str]| Cli::try_parse_from(args).map(|c| c.lang);
        assert_eq!(
            lang(&["outpost", "--lang", "th"]).ok(),
            Some(Some(UiLang::Th))
        );
        assert_eq!(
            lang(&["outpost", "--lang", "EN"]).ok(),
            Some(Some(UiLang::En))
        );
        assert_eq!(lang(&["outpost"]).ok(), Some(None));
        let wrong = lang(&["outpost", "--lang", "de"])
            .expect_err("refused")
            .to_string();
        assert!(wrong.contains("en") && wrong.contains("th"), "{wrong}");
    }
}
