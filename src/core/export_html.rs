//! `export-html`: the articles to put on paper or in a browser, chosen through the same reads
//! as `show`, `list` and `search` (so what a reader may not see stays out), rendered by
//! `html/`, then written all together or not at all.
//!
//! The folder it writes: `index.html` (every article exported, with a link to its page),
//! `articles/<id>.html` (one self-contained page each) and, for a category, `handbook.html`
//! (a cover, the contents and every published article of the subtree, to print in one piece).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{ArticleFilter, Replica};
use crate::error::{Error, Result};
use crate::html::body::{self, WikiTarget};
use crate::html::page::{self, ArticleDoc, Cover, Section, Stamp};
use crate::model::{ArticleId, ArticleRecord, Author, Category, Status};
use crate::search::{SearchKind, SearchRequest};

/// The folder of the article pages, inside the export folder.
pub const ARTICLES_DIR: &str = "articles";
/// The index page, inside the export folder.
pub const INDEX: &str = "index.html";
/// A category's handbook, inside the export folder.
pub const HANDBOOK: &str = "handbook.html";

/// The most articles one export holds: every page is rendered in memory before the first is
/// written (2,000 pages are about 20 MB), and a handbook of more would be thousands of
/// printed pages. A larger category is exported a sub-group at a time.
pub const MAX_HTML_ARTICLES: usize = 2_000;

/// Which articles an HTML export holds.
#[derive(Clone, Debug)]
pub enum HtmlSelection {
    /// These articles, in this order, whatever their status (a draft or a retired article
    /// carries a notice saying so).
    Ids(Vec<String>),
    /// Every published article of the category and its sub-groups, as a handbook.
    Category(String),
    /// The published articles a search finds, best first, at most `limit`.
    Query { text: String, limit: usize },
}

/// An HTML export's request.
#[derive(Clone, Debug)]
pub struct HtmlExport {
    pub selection: HtmlSelection,
    /// Who reads: the search runs on their behalf.
    pub viewer: Option<Author>,
    /// At most this many articles, else the export is refused ([`MAX_HTML_ARTICLES`] from
    /// [`HtmlExport::new`]).
    pub max_articles: usize,
}

impl HtmlExport {
    pub fn new(selection: HtmlSelection, viewer: Option<Author>) -> Self {
        HtmlExport {
            selection,
            viewer,
            max_articles: MAX_HTML_ARTICLES,
        }
    }
}

/// One file of an export, its path relative to the export folder.
#[derive(Clone, Debug)]
pub struct HtmlFile {
    pub path: PathBuf,
    pub html: String,
}

/// What an export wrote.
#[derive(Clone, Debug, Serialize)]
pub struct HtmlReport {
    /// The ids exported, in index order.
    pub articles: Vec<String>,
    pub index: PathBuf,
    pub handbook: Option<PathBuf>,
    /// Every file written.
    pub files: Vec<PathBuf>,
}

impl Replica {
    /// The bytes of an image an article's body names (`![caption](name)`), when this node holds
    /// them; the export embeds them as `data:` URIs. This is the one place an export looks for
    /// image bytes: the article's attachment of that name (`![seal](seal.png)`), when its file
    /// is here; otherwise `None` and the page says the image is not available.
    pub fn image_bytes(&self, article: &ArticleId, name: &str) -> Option<Vec<u8>> {
        let name = name.strip_prefix("./").unwrap_or(name);
        self.attachment_bytes(article.as_str(), name)
            .ok()
            .map(|(_, bytes)| bytes)
    }

    /// Writes the export into `dir` (made when missing): every file, or — when any cannot be
    /// written — none, an earlier export in `dir` left as it was.
    pub fn export_html(&self, dir: &Path, request: &HtmlExport) -> Result<HtmlReport> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::invalid(format!(
                "{} is a file: give --out a folder (it is made when missing); nothing was written",
                dir.display()
            )));
        }
        let (ids, files) =
            self.html_files(request, &|article, name| self.image_bytes(article, name))?;
        write_all(dir, &files)?;
        Ok(HtmlReport {
            articles: ids,
            index: dir.join(INDEX),
            handbook: files
                .iter()
                .any(|f| f.path == Path::new(HANDBOOK))
                .then(|| dir.join(HANDBOOK)),
            files: files.iter().map(|f| dir.join(&f.path)).collect(),
        })
    }

    /// The export's files, rendered in memory (nothing is written): the ids exported and the
    /// files. `images` finds the bytes of an image a body names.
    pub fn html_files(
        &self,
        request: &HtmlExport,
        images: &dyn Fn(&ArticleId, &str) -> Option<Vec<u8>>,
    ) -> Result<(Vec<String>, Vec<HtmlFile>)> {
        let (title, records) = self.html_selection(request)?;
        if records.len() > request.max_articles {
            return Err(Error::invalid(format!(
                "{} articles would be exported, more than the {} one export holds; nothing was \
                 written: export a sub-group at a time (`outpost categories` lists them) or narrow \
                 the query",
                records.len(),
                request.max_articles
            )));
        }
        let pages = Pages {
            replica: self,
            categories: self
                .categories()?
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect(),
            exported: records
                .iter()
                .map(|r| (r.id.as_str(), r.content.title.as_str()))
                .collect(),
            images,
            stamp: Stamp {
                office: self.node_info()?.office,
                date: jiff::Timestamp::from_millisecond(
                    i64::try_from(self.now_millis()).unwrap_or(i64::MAX),
                )
                .map(|t| t.strftime("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            },
        };
        let (mut files, entries) = pages.article_files(&records)?;
        let mut handbook = None;
        if let HtmlSelection::Category(id) = &request.selection {
            let (name, file) = pages.handbook(id, &records)?;
            handbook = Some(name);
            files.push(file);
        }
        let entries: Vec<(String, &ArticleDoc)> = entries
            .iter()
            .map(|(href, doc)| (href.clone(), doc))
            .collect();
        files.push(HtmlFile {
            path: PathBuf::from(INDEX),
            html: page::index_page(
                &title,
                &entries,
                handbook.as_deref().map(|name| (HANDBOOK, name)),
                &pages.stamp,
            ),
        });
        let ids = records.iter().map(|r| r.id.to_string()).collect();
        Ok((ids, files))
    }

    /// The index's title and the articles, in index order; refused when there are none.
    fn html_selection(&self, request: &HtmlExport) -> Result<(String, Vec<ArticleRecord>)> {
        match &request.selection {
            HtmlSelection::Ids(ids) => {
                if ids.is_empty() {
                    return Err(Error::invalid(
                        "say what to export: article ids, --category C or --query WORDS; nothing was written",
                    ));
                }
                let mut seen = BTreeSet::new();
                let mut records = Vec::new();
                for id in ids.iter().filter(|id| seen.insert(id.as_str())) {
                    records.push(self.article(id)?.record);
                }
                Ok(("Exported articles".into(), records))
            }
            HtmlSelection::Category(category) => {
                let found = self.check_category(category)?;
                let mut records = self.list_articles(&ArticleFilter {
                    category: Some(category.clone()),
                    status: Some(Status::Published),
                    viewer: request.viewer.clone(),
                    all_drafts: false,
                })?;
                if records.is_empty() {
                    return Err(Error::invalid(format!(
                        "no published article in `{category}` or its sub-groups; nothing was written (`outpost list --category {category}` shows its drafts)"
                    )));
                }
                // The Knowledge Map's order: by category id, a parent before its sub-groups.
                let order: BTreeMap<String, usize> = self
                    .categories()?
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| (c.id, i))
                    .collect();
                records.sort_by(|a, b| {
                    let place = |r: &ArticleRecord| order.get(&r.content.category).copied();
                    (place(a), &a.content.title, &a.id).cmp(&(place(b), &b.content.title, &b.id))
                });
                Ok((format!("{}: exported articles", found.en), records))
            }
            HtmlSelection::Query { text, limit } => {
                let hits = self.search(&SearchRequest {
                    text: text.clone(),
                    status: Some(Status::Published),
                    kind: Some(SearchKind::Articles),
                    limit: *limit,
                    viewer: request.viewer.clone(),
                    snippets: Some(0),
                    ..Default::default()
                })?;
                if hits.is_empty() {
                    return Err(Error::invalid(format!(
                        "no published article matches `{text}`; nothing was written (try other words, or `outpost search` to see what matches)"
                    )));
                }
                let mut records = Vec::new();
                for hit in &hits {
                    records.push(self.article(&hit.id)?.record);
                }
                Ok((format!("Articles matching “{text}”"), records))
            }
        }
    }
}

/// An article on the index: the address of its page, and the article.
type IndexEntry = (String, ArticleDoc);

/// What the pages of one export share while they are rendered.
struct Pages<'a> {
    replica: &'a Replica,
    categories: BTreeMap<String, Category>,
    /// The ids exported, with their titles.
    exported: BTreeMap<&'a str, &'a str>,
    images: &'a dyn Fn(&ArticleId, &str) -> Option<Vec<u8>>,
    stamp: Stamp,
}

impl Pages<'_> {
    /// A page per article, and the index's entries (the page's address and the article).
    fn article_files(&self, records: &[ArticleRecord]) -> Result<(Vec<HtmlFile>, Vec<IndexEntry>)> {
        let mut files = Vec::new();
        let mut entries = Vec::new();
        for record in records {
            let path = super::export_path(Path::new(ARTICLES_DIR), record.id.as_str())?
                .with_extension("html");
            // Article pages sit side by side: a wiki link goes to the other page.
            let doc = self.doc(record, |id| format!("{id}.html"));
            files.push(HtmlFile {
                path: path.clone(),
                html: page::article_page(&doc, &self.stamp, &format!("../{INDEX}")),
            });
            entries.push((path.to_string_lossy().replace('\\', "/"), doc));
        }
        Ok((files, entries))
    }

    /// The handbook of category `id`: its title and its file.
    fn handbook(&self, id: &str, records: &[ArticleRecord]) -> Result<(String, HtmlFile)> {
        let cover = self
            .categories
            .get(id)
            .map(|c| Cover {
                id: c.id.clone(),
                en: c.en.clone(),
                th: c.th.clone(),
                ko: c.ko.clone(),
                description: c.description.clone(),
            })
            .ok_or_else(|| unknown_category(id))?;
        let mut sections: Vec<Section> = Vec::new();
        for record in records {
            // In one document, a wiki link to another article of it goes to that article.
            let doc = self.doc(record, |id| format!("#{id}"));
            match sections.last_mut() {
                Some(s) if s.category.0 == doc.category.0 => s.articles.push(doc),
                _ => sections.push(Section {
                    category: doc.category.clone(),
                    articles: vec![doc],
                }),
            }
        }
        let file = HtmlFile {
            path: PathBuf::from(HANDBOOK),
            html: page::handbook_page(&cover, &sections, &self.stamp),
        };
        Ok((format!("Handbook: {}", cover.en), file))
    }

    /// An article as a page shows it; wiki links to exported articles go to `href(id)`.
    fn doc(&self, record: &ArticleRecord, href: impl Fn(&str) -> String) -> ArticleDoc {
        let c = &record.content;
        let wiki = |id: &str| match self.exported.get(id) {
            Some(title) => WikiTarget::Exported {
                href: href(id),
                title: (*title).to_string(),
            },
            None => WikiTarget::Elsewhere {
                title: self
                    .replica
                    .article(id)
                    .ok()
                    .map(|v| v.record.content.title),
            },
        };
        let image = |name: &str| (self.images)(&record.id, name);
        let body = body::render(
            &c.body,
            &body::Context {
                article: record.id.as_str(),
                wiki: &wiki,
                image: &image,
            },
        );
        let nomenclature = crate::nomenclature::Nomenclature::builtin();
        let describe = |code: &crate::model::HsCode| {
            (
                code.to_string(),
                nomenclature.describe(code).unwrap_or_default(),
            )
        };
        let category_name = self
            .categories
            .get(&c.category)
            .map_or_else(|| c.category.clone(), |cat| cat.en.clone());
        ArticleDoc {
            id: record.id.to_string(),
            title: c.title.clone(),
            summary: c.summary.clone(),
            category: (c.category.clone(), category_name),
            lang: c.lang,
            kind: c.kind,
            classification: c.classification,
            status: record.status,
            in_conflict: record.in_conflict(),
            hs: c.hs_codes.iter().map(describe).collect(),
            tags: c.tags.clone(),
            office: record.origin_office.clone(),
            updated: record.updated.date(),
            revision: record.current.short(),
            review_by: c.review_by.clone(),
            body,
        }
    }
}

fn unknown_category(id: &str) -> Error {
    Error::invalid(format!(
        "unknown category `{id}`: run `outpost categories` to see the valid ids"
    ))
}

/// Writes every file under `dir`: first into a staging folder inside it, each file synced, then
/// moved into place, so a failure while writing (a full disk, a folder that cannot be written)
/// leaves an earlier export in `dir` as it was. On failure the staging folder and the folders
/// this made are removed, and the error says nothing was written.
fn write_all(dir: &Path, files: &[HtmlFile]) -> Result<()> {
    let mut made: Vec<PathBuf> = Vec::new();
    let outcome = write_staged(dir, files, &mut made);
    if let Err(e) = outcome {
        // Innermost first; a folder something else put a file in stays.
        for folder in made.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
        return Err(Error::invalid(format!(
            "{e}; nothing was written to {}",
            dir.display()
        )));
    }
    Ok(())
}

fn write_staged(dir: &Path, files: &[HtmlFile], made: &mut Vec<PathBuf>) -> Result<()> {
    make_folders(&dir.join(ARTICLES_DIR), made)?;
    // Removed, with what it holds, when dropped.
    let staging = tempfile::Builder::new()
        .prefix(".outpost-html-")
        .tempdir_in(dir)
        .map_err(|e| Error::io(format!("cannot write in {}", dir.display()), e))?;
    std::fs::create_dir(staging.path().join(ARTICLES_DIR))
        .map_err(|e| Error::io(format!("cannot write in {}", dir.display()), e))?;
    for file in files {
        let path = staging.path().join(&file.path);
        crate::sync::exchange::write_atomically(&path, file.html.as_bytes(), true)?;
    }
    // What would stop a move, looked for before the first one moves.
    if let Some(folder) = files
        .iter()
        .map(|f| dir.join(&f.path))
        .find(|target| target.is_dir())
    {
        return Err(Error::invalid(format!(
            "{} is a folder, where a page of the export goes: move it away",
            folder.display()
        )));
    }
    for file in files {
        let target = dir.join(&file.path);
        std::fs::rename(staging.path().join(&file.path), &target)
            .map_err(|e| Error::io(format!("cannot write {}", target.display()), e))?;
    }
    Ok(())
}

/// Makes `folder` and its missing parents, recording each one made, outermost first.
fn make_folders(folder: &Path, made: &mut Vec<PathBuf>) -> Result<()> {
    let mut missing = Vec::new();
    let mut next = Some(folder.to_path_buf());
    while let Some(f) = next {
        if f.as_os_str().is_empty() || f.exists() {
            break;
        }
        next = f.parent().map(Path::to_path_buf);
        missing.push(f);
    }
    for f in missing.into_iter().rev() {
        std::fs::create_dir(&f)
            .map_err(|e| Error::io(format!("cannot create {}", f.display()), e))?;
        made.push(f);
    }
    Ok(())
}
