//! Markdown import and export through the Replica: validate every file first, then commit all
//! of them in one transaction, or nothing.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

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
                // A file past the size policy is read only far enough for `parse` to refuse it.
                let bytes = std::fs::File::open(&path)
                    .and_then(|file| markdown::read_at_most(file, markdown::MAX_FILE))
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
            return Err(Error::InvalidMany { problems });
        }

        let mut report = ImportReport::default();
        let mut payloads = Vec::new();
        for (name, article) in parsed {
            let existing = match &article.id {
                Some(id) => self.load_article(id)?,
                None => None,
            };
            // A file marked retired stays retired; otherwise `--publish` decides.
            let target = match article.status {
                Some(Status::Retired) => Some(Status::Retired),
                _ => publish.then_some(Status::Published),
            };
            let result = match existing {
                None => self
                    .payloads_for_new(NewArticle {
                        id: article.id,
                        content: article.content,
                        publish: target == Some(Status::Published),
                    })
                    .map(|(id, mut new)| {
                        payloads.append(&mut new);
                        if target == Some(Status::Retired) {
                            payloads.push(Payload::StatusSet {
                                article: id.clone(),
                                status: Status::Retired,
                            });
                        }
                        report.created.push(id.to_string());
                    }),
                Some(record) => self.update_payloads(
                    record,
                    article.content,
                    target,
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
        target: Option<Status>,
        payloads: &mut Vec<Payload>,
        report: &mut ImportReport,
    ) -> Result<()> {
        let id: ArticleId = record.id.clone();
        let patch = super::ArticlePatch::from(content);
        let edit = self.payload_for_edit(&id, patch)?;
        let status = target.filter(|s| *s != record.status);
        match (&edit, status) {
            (None, None) => report.unchanged.push(id.to_string()),
            _ => report.updated.push(id.to_string()),
        }
        payloads.extend(edit);
        if let Some(status) = status {
            payloads.push(Payload::StatusSet {
                article: id,
                status,
            });
        }
        Ok(())
    }

    /// Writes every article — drafts, published and retired, each with its status in the
    /// front matter — as `<id>.md` in `dir`. Returns how many. Every file name is checked before
    /// anything is written, so an id that would leave `dir` writes nothing at all.
    pub fn export_markdown_dir(&self, dir: &Path) -> Result<usize> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::invalid(format!(
                "{} is a file; give a directory",
                dir.display()
            )));
        }
        let mut files = Vec::new();
        let mut refused = Vec::new();
        for status in [Status::Draft, Status::Published, Status::Retired] {
            let filter = super::ArticleFilter {
                status: Some(status),
                all_drafts: true,
                ..Default::default()
            };
            for record in self.list_articles(&filter)? {
                match export_path(dir, record.id.as_str()) {
                    Ok(path) => files.push((path, record)),
                    Err(e) => refused.push(e.to_string()),
                }
            }
        }
        if !refused.is_empty() {
            return Err(Error::invalid(format!(
                "nothing was exported to {}; tell HQ that this node holds such ids:\n{}",
                dir.display(),
                refused.join("\n")
            )));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        // Each file goes through a temporary name, is synced and renamed, so a full or failing
        // disk never leaves a partial article under its final name.
        for (path, record) in &files {
            crate::sync::exchange::write_atomically(
                path,
                markdown::render(record).as_bytes(),
                true,
            )?;
        }
        Ok(files.len())
    }
}

/// The file an article is exported to: `<id>.md` directly inside `dir`. The id must make a
/// plain file name — no separator, no `..`, not absolute — whatever let it into the store, so
/// that no id can make an export write outside its folder.
pub fn export_path(dir: &Path, id: &str) -> Result<PathBuf> {
    let name = format!("{id}.md");
    let mut parts = Path::new(&name).components();
    let plain = matches!(
        (parts.next(), parts.next()),
        (Some(Component::Normal(part)), None) if part == name.as_str()
    );
    let safe =
        plain && !id.is_empty() && !id.starts_with('.') && !id.contains(['/', '\\', '\0', ':']);
    if !safe {
        return Err(Error::invalid(format!(
            "article id `{}` does not make a file name inside the export folder; it was not exported",
            id.escape_debug()
        )));
    }
    Ok(dir.join(name))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::export_path;

    #[test]
    fn an_export_path_is_a_plain_file_directly_inside_the_folder() {
        let dir = Path::new("export");
        assert_eq!(
            export_path(dir, "timber-inspection").ok(),
            Some(dir.join("timber-inspection.md"))
        );
        for hostile in [
            "../../../../tmp/x/PWNED",
            "/tmp/x/PWNED",
            "a/b",
            "a\\b",
            "..",
            ".hidden",
            "",
            "nul\0byte",
            "c:evil",
        ] {
            let refused = export_path(dir, hostile).expect_err(hostile);
            assert!(
                refused
                    .to_string()
                    .contains("does not make a file name inside the export folder"),
                "{refused}"
            );
        }
    }
}
