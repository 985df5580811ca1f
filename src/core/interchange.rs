//! Markdown import and export through the Replica: validate every file first, then commit all
//! of them in one transaction, or nothing.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use super::{NewArticle, Replica};
use crate::error::{Error, Result};
use crate::markdown;
use crate::model::{ArticleId, Payload, Status, User};

#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
}

impl Replica {
    /// Imports every `*.md` file in `dir` (not recursive).
    pub fn import_markdown_dir(
        &mut self,
        user: &User,
        dir: &Path,
        publish: bool,
    ) -> Result<ImportReport> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Error::io(format!("cannot read the directory {}", dir.display()), e))?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|e| Error::io(format!("cannot list {}", dir.display()), e))?
                .path();
            if path.extension().is_some_and(|x| x == "md") && path.is_file() {
                let bytes = std::fs::read(&path)
                    .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push((name, bytes));
            }
        }
        if files.is_empty() {
            return Err(Error::invalid(format!("no .md files in {}", dir.display())));
        }
        self.import_markdown_files(user, files, publish)
    }

    /// Imports named Markdown files. All are checked first; any problem imports nothing and
    /// lists every problem with its file name.
    pub fn import_markdown_files(
        &mut self,
        user: &User,
        mut files: Vec<(String, Vec<u8>)>,
        publish: bool,
    ) -> Result<ImportReport> {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut problems = Vec::new();
        let mut parsed = Vec::new();
        let mut ids = BTreeSet::new();
        for (name, bytes) in &files {
            match markdown::parse(bytes) {
                Err(list) => problems.extend(list.into_iter().map(|p| format!("{name}: {p}"))),
                Ok(article) => {
                    if let Err(e) = self.check_category(&article.content.category) {
                        problems.push(format!("{name}: {e}"));
                    }
                    let nomenclature = crate::nomenclature::Nomenclature::builtin();
                    for code in &article.content.hs_codes {
                        if let Err(e) = nomenclature.check(code) {
                            problems.push(format!("{name}: {e}"));
                        }
                    }
                    if let Some(id) = &article.id
                        && !ids.insert(id.clone())
                    {
                        problems.push(format!(
                            "{name}: id `{id}` is used by another file in this import"
                        ));
                    }
                    parsed.push((name, article));
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::InvalidMany(problems));
        }

        let mut report = ImportReport::default();
        let mut payloads = Vec::new();
        for (name, article) in parsed {
            let existing = match &article.id {
                Some(id) => self.load_article(id)?,
                None => None,
            };
            let result = match existing {
                None => {
                    let (id, mut new) = self.payloads_for_new(NewArticle {
                        id: article.id,
                        content: article.content,
                        publish,
                    })?;
                    payloads.append(&mut new);
                    report.created.push(id.to_string());
                    Ok(())
                }
                Some(record) => self.update_payloads(
                    record,
                    article.content,
                    publish,
                    &mut payloads,
                    &mut report,
                ),
            };
            result.map_err(|e| Error::invalid(format!("{name}: {e}")))?;
        }
        if !payloads.is_empty() {
            self.commit(&user.name, payloads)?;
        }
        Ok(report)
    }

    fn update_payloads(
        &self,
        record: crate::model::ArticleRecord,
        content: crate::model::ArticleContent,
        publish: bool,
        payloads: &mut Vec<Payload>,
        report: &mut ImportReport,
    ) -> Result<()> {
        let id: ArticleId = record.id.clone();
        let patch = super::ArticlePatch::from(content);
        let edit = self.payload_for_edit(&id, patch)?;
        let republish = publish && record.status != Status::Published;
        match (&edit, republish) {
            (None, false) => report.unchanged.push(id.to_string()),
            _ => report.updated.push(id.to_string()),
        }
        payloads.extend(edit);
        if republish {
            payloads.push(Payload::StatusSet {
                article: id,
                status: Status::Published,
            });
        }
        Ok(())
    }

    /// Writes every article that is not retired as `<id>.md` in `dir`. Returns how many.
    pub fn export_markdown_dir(&self, dir: &Path) -> Result<usize> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::invalid(format!(
                "{} is a file; give a directory",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        let mut count = 0;
        for status in [Status::Draft, Status::Published] {
            let filter = super::ArticleFilter {
                status: Some(status),
                all_drafts: true,
                ..Default::default()
            };
            for record in self.list_articles(&filter)? {
                let path = dir.join(format!("{}.md", record.id));
                std::fs::write(&path, markdown::render(&record))
                    .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
                count += 1;
            }
        }
        Ok(count)
    }
}
