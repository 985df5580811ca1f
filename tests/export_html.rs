//! `outpost export-html`, through the binary: a category's handbook, pages for ids, a search's
//! articles, and bad input refused with nothing written. The HTML is checked by parsing it as a
//! browser would (every link resolves, every image is embedded, nothing is fetched) and, where a
//! headless Chromium is installed, by printing it to PDF.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;
use scraper::{Html, Selector};

use crate::common;

fn outpost(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("outpost").expect("binary");
    cmd.env_remove("OUTPOST_HOME")
        .env_remove("OUTPOST_USER")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

/// A one-pixel PNG, written into a body as a `data:` URI.
const PIXEL: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

fn article(
    id: &str,
    category: &str,
    lang: &str,
    classification: &str,
    title: &str,
    body: &str,
) -> String {
    format!(
        "---\nid: {id}\ntitle: \"{title}\"\ncategory: {category}\nlang: {lang}\nkind: procedure\n\
         classification: {classification}\nsummary: \"About {id}.\"\n---\n{body}"
    )
}

/// An HQ node holding, in `clearance`'s subtree, an English public article, a Thai customs-only
/// one and a Korean restricted one (all published) and a draft; outside it, a tariff note.
fn node() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    outpost(dir.path())
        .args(["init", "--office", "Central HQ", "--hq"])
        .assert()
        .success();
    let files = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: String| {
        std::fs::write(files.path().join(name), text).expect("write md");
    };
    write(
        "seal-basics.md",
        article(
            "seal-basics",
            "clearance/container-seals",
            "en",
            "public",
            "Container seal basics",
            &format!(
                "Check every bolt seal.\n\n## Steps\n\n1. View the seal; see [[seal-xray]] and \
                 [[tariff-note]].\n2. Read the [WCO guide](https://www.wcoomd.org/seals) and the \
                 [form](form-12.pdf).\n3. Back to [the steps](#steps).\n\n![A cut seal](data:image/png;base64,{PIXEL})\n\n\
                 ![Photo on the post's laptop](seal-photo.jpg)\n\n<script>alert(1)</script>\n"
            ),
        ),
    );
    write(
        "seal-xray.md",
        article(
            "seal-xray",
            "clearance/inspection-xray",
            "th",
            "customs-only",
            "การตรวจตราผนึกด้วยเอกซเรย์",
            "## ขั้นตอน\n\nตรวจภาพเอกซเรย์ของตู้สินค้าก่อนตัดตราผนึก ดู [[seal-basics|ตราผนึกพื้นฐาน]]\n",
        ),
    );
    write(
        "seal-restricted.md",
        article(
            "seal-restricted",
            "clearance/container-seals",
            "ko",
            "restricted",
            "봉인 위조 첩보",
            // Long enough to run over several printed pages.
            &format!(
                "## 절차\n\n세관에서 봉인 위조 조직에 관한 첩보를 확인합니다.\n\n{}",
                (1..=120)
                    .map(|n| format!("{n}. 첩보 문단 {n}번을 확인합니다.\n"))
                    .collect::<String>()
            ),
        ),
    );
    write(
        "tariff-note.md",
        article(
            "tariff-note",
            "post-clearance/tariff-policy",
            "en",
            "public",
            "Tariff note on seals",
            "Seals imported as goods fall under 8309.90.\n",
        ),
    );
    outpost(dir.path())
        .arg("import-md")
        .arg(files.path())
        .arg("--publish")
        .assert()
        .success();
    outpost(dir.path())
        .args([
            "add",
            "--id",
            "seal-draft",
            "--title",
            "Unfinished seal note",
            "--category",
            "clearance/container-seals",
            "--body-file",
            "-",
        ])
        .write_stdin("Not ready.\n")
        .assert()
        .success();
    dir
}

fn parse(path: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(path).expect("html file"))
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("selector");
    doc.select(&selector).collect()
}

fn text(element: &scraper::ElementRef) -> String {
    element.text().collect()
}

/// Every file under `dir`, relative to it.
fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in walk(dir) {
        let relative = entry.strip_prefix(dir).expect("inside");
        out.insert(relative.to_string_lossy().replace('\\', "/"));
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Checks every exported page as a browser would load it: self-contained (no script, no
/// external style or image, a policy that forbids fetching), every image a `data:` URI, every
/// link either to the web or mail, or to a file of the export and an element it holds. Returns
/// the web links.
fn check_self_contained(dir: &Path) -> BTreeSet<String> {
    let mut web = BTreeSet::new();
    for name in files(dir) {
        let path = dir.join(&name);
        let doc = parse(&path);
        assert!(
            select(&doc, "script, link, iframe, object, embed").is_empty(),
            "{name}"
        );
        let policy = select(&doc, r#"meta[http-equiv="Content-Security-Policy"]"#);
        assert_eq!(
            policy.first().and_then(|m| m.value().attr("content")),
            Some("default-src 'none'; img-src data:; style-src 'unsafe-inline'"),
            "{name}"
        );
        for element in select(&doc, "[src]") {
            assert_eq!(element.value().name(), "img", "{name}");
            let src = element.value().attr("src").unwrap_or_default();
            assert!(src.starts_with("data:image/png;base64,"), "{name}: {src}");
        }
        for a in select(&doc, "a[href]") {
            let href = a.value().attr("href").unwrap_or_default();
            if href.starts_with("https://") || href.starts_with("mailto:") {
                web.insert(href.to_string());
                continue;
            }
            let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
            let target = if file.is_empty() {
                path.clone()
            } else {
                path.parent().expect("parent").join(file)
            };
            assert!(target.is_file(), "{name}: link {href} goes nowhere");
            if !fragment.is_empty() {
                let target_doc = parse(&target);
                let found = select(&target_doc, "[id]")
                    .iter()
                    .any(|e| e.value().attr("id") == Some(fragment));
                assert!(found, "{name}: link {href} names no element");
            }
        }
    }
    web
}

fn ids_of(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css)
        .iter()
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect()
}

#[test]
fn a_category_export_is_a_handbook_of_every_published_article_of_the_subtree() {
    let node = node();
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("clearance-handbook");
    outpost(node.path())
        .args(["export-html", "--category", "clearance", "--out"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(contains("Exported 3 article(s)"))
        .stdout(contains("handbook.html"));
    assert_eq!(
        files(&dir),
        [
            "articles/seal-basics.html",
            "articles/seal-restricted.html",
            "articles/seal-xray.html",
            "handbook.html",
            "index.html",
        ]
        .into_iter()
        .map(String::from)
        .collect()
    );
    let web = check_self_contained(&dir);
    assert_eq!(
        web,
        BTreeSet::from(["https://www.wcoomd.org/seals".to_string()])
    );

    let handbook = parse(&dir.join("handbook.html"));
    // By category (its id: a parent before its sub-groups), then by title.
    let order = ["seal-basics", "seal-restricted", "seal-xray"];
    assert_eq!(ids_of(&handbook, "article"), order);
    let toc: Vec<&str> = select(&handbook, "nav.toc a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(toc, ["#seal-basics", "#seal-restricted", "#seal-xray"]);
    let cover = select(&handbook, "section.cover");
    assert_eq!(cover.len(), 1);
    let cover_text = text(&cover[0]);
    assert!(cover_text.contains("Handbook: Clearance"), "{cover_text}");
    assert!(cover_text.contains("RESTRICTED"), "{cover_text}");
    assert!(cover_text.contains("3 published articles"), "{cover_text}");
    assert!(!cover_text.contains("seal-draft"));
    // Each article is marked with its own classification, and in its language.
    for (id, marking, lang) in [
        ("seal-basics", "PUBLIC", "en"),
        ("seal-restricted", "RESTRICTED", "ko"),
        ("seal-xray", "FOR CUSTOMS ONLY", "th"),
    ] {
        let article = select(&handbook, &format!("article#{id}"));
        let element = article.first().expect("article");
        assert_eq!(element.value().attr("lang"), Some(lang));
        let marks = select(&handbook, &format!("article#{id} > .marking"));
        assert_eq!(marks.first().map(text).as_deref(), Some(marking), "{id}");
    }
    assert_eq!(
        select(&handbook, "body")
            .first()
            .and_then(|b| b.value().attr("class")),
        Some("c-restricted")
    );
    // In the handbook a wiki link goes to the article in it; one to an article not exported is
    // its title, as text.
    let basics = select(&handbook, "article#seal-basics a");
    let hrefs: Vec<&str> = basics
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(hrefs.contains(&"#seal-xray"), "{hrefs:?}");
    let unexported: Vec<String> = select(&handbook, "article#seal-basics .not-exported")
        .iter()
        .map(text)
        .collect();
    assert_eq!(unexported, ["Tariff note on seals"]);
    let body_text = text(&select(&handbook, "article#seal-basics")[0]);
    assert!(body_text.contains("form (form-12.pdf)"), "{body_text}");
    assert!(
        body_text.contains("<script>alert(1)</script>"),
        "{body_text}"
    );
    assert!(
        body_text
            .contains("[image not available here: Photo on the post's laptop (seal-photo.jpg)]")
    );
    assert_eq!(select(&handbook, "article#seal-basics img").len(), 1);

    // The article's own page links to the other exported page, and back to the index.
    let page = parse(&dir.join("articles/seal-basics.html"));
    let hrefs: Vec<String> = select(&page, "a[href]")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert!(hrefs.contains(&"seal-xray.html".to_string()), "{hrefs:?}");
    assert!(hrefs.contains(&"../index.html".to_string()), "{hrefs:?}");
    let thai = parse(&dir.join("articles/seal-xray.html"));
    assert_eq!(
        select(&thai, "html")
            .first()
            .and_then(|h| h.value().attr("lang")),
        Some("th")
    );
    assert_eq!(
        select(&thai, "body")
            .first()
            .and_then(|b| b.value().attr("class")),
        Some("c-customs-only")
    );
    let index = parse(&dir.join("index.html"));
    let listed: Vec<&str> = select(&index, "table.index a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        listed,
        [
            "articles/seal-basics.html",
            "articles/seal-restricted.html",
            "articles/seal-xray.html",
        ]
    );
    print_to_pdf(&dir.join("handbook.html"));
}

#[test]
fn ids_export_one_page_each_and_link_the_pages_to_each_other() {
    let node = node();
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("pages");
    let report: serde_json::Value = serde_json::from_slice(
        &outpost(node.path())
            .args([
                "export-html",
                "seal-basics",
                "tariff-note",
                "seal-draft",
                "--json",
                "--out",
            ])
            .arg(&dir)
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .expect("json");
    assert_eq!(
        report["articles"],
        serde_json::json!(["seal-basics", "tariff-note", "seal-draft"])
    );
    assert!(report["handbook"].is_null());
    assert_eq!(
        files(&dir),
        [
            "articles/seal-basics.html",
            "articles/seal-draft.html",
            "articles/tariff-note.html",
            "index.html",
        ]
        .into_iter()
        .map(String::from)
        .collect()
    );
    check_self_contained(&dir);
    let page = parse(&dir.join("articles/seal-basics.html"));
    let links: Vec<(String, String)> = select(&page, ".body a[href]")
        .iter()
        .map(|a| {
            (
                a.value().attr("href").unwrap_or_default().to_string(),
                text(a),
            )
        })
        .collect();
    assert!(
        links.contains(&("tariff-note.html".into(), "Tariff note on seals".into())),
        "{links:?}"
    );
    // seal-xray was not exported this time: its title, as text.
    let unexported: Vec<String> = select(&page, ".not-exported").iter().map(text).collect();
    assert_eq!(unexported, ["การตรวจตราผนึกด้วยเอกซเรย์"]);
    let draft = parse(&dir.join("articles/seal-draft.html"));
    let notice: Vec<String> = select(&draft, ".notice").iter().map(text).collect();
    assert!(notice.iter().any(|n| n.starts_with("DRAFT")), "{notice:?}");
}

#[test]
fn a_query_exports_the_published_articles_it_finds() {
    let node = node();
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("found");
    outpost(node.path())
        .args(["export-html", "--query", "goods", "--out"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(contains("Exported 1 article(s)"));
    assert_eq!(
        files(&dir),
        ["articles/tariff-note.html", "index.html"]
            .into_iter()
            .map(String::from)
            .collect()
    );
    check_self_contained(&dir);
    let index = parse(&dir.join("index.html"));
    let title: Vec<String> = select(&index, "h1").iter().map(text).collect();
    assert_eq!(title, ["Articles matching “goods”"]);
}

#[test]
fn bad_input_gets_a_clear_error_and_writes_nothing() {
    let node = node();
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("never");
    let refused = |args: &[&str], out_dir: &Path, says: &str| {
        outpost(node.path())
            .arg("export-html")
            .args(args)
            .arg("--out")
            .arg(out_dir)
            .assert()
            .failure()
            .stderr(contains(says));
    };
    refused(
        &["--category", "no-such-thing"],
        &dir,
        "unknown category `no-such-thing`",
    );
    refused(
        &["--query", "zzyzx-nothing"],
        &dir,
        "no published article matches",
    );
    refused(
        &["seal-basics", "no-such-article"],
        &dir,
        "`no-such-article` not found",
    );
    refused(
        &["--category", "audit"],
        &dir,
        "no published article in `audit`",
    );
    assert!(!dir.exists(), "nothing is written for bad input");
    // An --out that cannot be a folder: a file, or a path through a file.
    let file = out.path().join("a-file");
    std::fs::write(&file, "keep me").expect("write");
    refused(&["seal-basics"], &file, "is a file");
    refused(
        &["--category", "clearance"],
        &file.join("sub"),
        "nothing was written",
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "keep me");
    assert_eq!(files(out.path()), BTreeSet::from(["a-file".to_string()]));
    outpost(node.path())
        .args(["export-html", "--out"])
        .arg(&dir)
        .assert()
        .failure()
        .stderr(contains("required"));
    assert!(!dir.exists());
}

#[test]
fn an_export_that_cannot_be_written_leaves_the_earlier_one_as_it_was() {
    let node = node();
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("handbook");
    outpost(node.path())
        .args(["export-html", "seal-basics", "--out"])
        .arg(&dir)
        .assert()
        .success();
    let before: Vec<(String, String)> = files(&dir)
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).expect("read");
            (name, text)
        })
        .collect();
    // A folder where the next export puts a page: found before anything moves.
    let blocker = dir.join("articles/seal-xray.html");
    std::fs::create_dir(&blocker).expect("mkdir");
    std::fs::write(blocker.join("note.txt"), "mine").expect("write");
    outpost(node.path())
        .args(["export-html", "--category", "clearance", "--out"])
        .arg(&dir)
        .assert()
        .failure()
        .stderr(contains("is a folder, where a page of the export goes"))
        .stderr(contains("nothing was written"));
    let after: Vec<(String, String)> = files(&dir)
        .into_iter()
        .filter(|name| name != "articles/seal-xray.html/note.txt")
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).expect("read");
            (name, text)
        })
        .collect();
    assert_eq!(
        after, before,
        "the earlier export is untouched, no staging folder left"
    );
}

#[test]
fn images_the_node_holds_are_embedded_through_the_image_hook() {
    use outpost::core::{HtmlExport, HtmlSelection};
    let mut replica = common::replica("HQ", true);
    let admin = common::admin(&replica);
    let body = "![The seal](seal.png) and ![gone](gone.png)\n";
    let id = replica
        .add_article(
            &admin,
            common::new_article(
                common::content("Seal photo", "clearance/container-seals", body),
                true,
            ),
        )
        .expect("add");
    let png = b"\x89PNG\r\n\x1a\nnot-really-the-rest".to_vec();
    let request = HtmlExport::new(HtmlSelection::Ids(vec![id.to_string()]), None);
    let images = |article: &outpost::model::ArticleId, name: &str| {
        (article == &id && name == "seal.png").then(|| png.clone())
    };
    let (ids, files) = replica.html_files(&request, &images).expect("render");
    assert_eq!(ids, [id.to_string()]);
    let page = files
        .iter()
        .find(|f| f.path == Path::new("articles").join(format!("{id}.html")))
        .expect("the article's page");
    let doc = Html::parse_document(&page.html);
    let srcs: Vec<&str> = select(&doc, "img")
        .iter()
        .filter_map(|i| i.value().attr("src"))
        .collect();
    assert_eq!(
        srcs,
        [format!(
            "data:image/png;base64,{}",
            outpost::html::base64(&png)
        )]
    );
    assert_eq!(
        select(&doc, ".missing-image").first().map(text).as_deref(),
        Some("[image not available here: gone (gone.png)]")
    );
    // The node's own hook gives the article's attachment of that name, and nothing else.
    assert_eq!(replica.image_bytes(&id, "seal.png"), None);
    let photo = outpost::core::attachment_samples::png(7, 64);
    replica
        .attach(&admin, id.as_str(), "seal.png", &photo, "The seal")
        .expect("attach");
    assert_eq!(replica.image_bytes(&id, "seal.png"), Some(photo.clone()));
    assert_eq!(replica.image_bytes(&id, "./seal.png"), Some(photo));
    assert_eq!(replica.image_bytes(&id, "gone.png"), None);
}

#[test]
fn an_export_of_more_articles_than_it_may_hold_is_refused() {
    use outpost::core::{HtmlExport, HtmlSelection, MAX_HTML_ARTICLES};
    let mut replica = common::replica("HQ", true);
    let admin = common::admin(&replica);
    for title in ["Seal one", "Seal two", "Seal three"] {
        replica
            .add_article(
                &admin,
                common::new_article(
                    common::content(title, "clearance/container-seals", "Seals.\n"),
                    true,
                ),
            )
            .expect("add");
    }
    let mut request = HtmlExport::new(HtmlSelection::Category("clearance".into()), None);
    assert_eq!(request.max_articles, MAX_HTML_ARTICLES);
    let (ids, _) = replica
        .html_files(&request, &|_, _| None)
        .expect("three fit");
    assert_eq!(ids.len(), 3);
    request.max_articles = 2;
    let refused = replica
        .html_files(&request, &|_, _| None)
        .expect_err("three is too many")
        .to_string();
    assert!(
        refused.contains("3 articles would be exported, more than the 2 one export holds"),
        "{refused}"
    );
}

/// Prints `page` to PDF with a headless Chromium, when one is installed, and checks that every
/// page carries a classification marking, the restricted article's pages say RESTRICTED, and
/// a web link's address is printed. Skips, saying why, without Chromium or `pdftotext`.
fn print_to_pdf(page: &Path) {
    let browsers: [(&str, &[&str]); 3] = [
        ("chromium-headless-shell", &[]),
        ("chromium", &["--headless"]),
        ("google-chrome", &["--headless"]),
    ];
    // Installed when it starts at all (`pdftotext` has no `--version`, and says so).
    let found = |tool: &str| {
        std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_ok()
    };
    let Some((browser, extra)) = browsers.iter().find(|(b, _)| found(b)) else {
        eprintln!("skipped printing the handbook to PDF: no headless Chromium installed");
        return;
    };
    if !found("pdftotext") {
        eprintln!("skipped printing the handbook to PDF: pdftotext (poppler-utils) is missing");
        return;
    }
    let pdf = page.with_extension("pdf");
    let profile = tempfile::tempdir().expect("tempdir");
    let status = std::process::Command::new(browser)
        .args(*extra)
        .args(["--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run the browser");
    assert!(status.status.success(), "{status:?}");
    let pages = |first: usize, last: usize| {
        let out = std::process::Command::new("pdftotext")
            .args(["-f", &first.to_string(), "-l", &last.to_string()])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let all = pages(1, 1000);
    let count = all.matches('\u{c}').count();
    // A cover, the contents, three articles.
    assert!(count >= 5, "{count} pages:\n{all}");
    let markings = ["PUBLIC", "FOR CUSTOMS ONLY", "RESTRICTED"];
    let mut restricted_pages = 0;
    for n in 1..=count {
        let text = pages(n, n);
        assert!(
            markings.iter().any(|m| text.contains(m)),
            "page {n} has no marking:\n{text}"
        );
        // The restricted article's pages, its continuation pages too (which only the page
        // margins mark), say so at their top and foot.
        if text.contains("첩보 문단") {
            restricted_pages += 1;
            assert!(text.matches("RESTRICTED").count() >= 2, "page {n}:\n{text}");
        }
    }
    assert!(restricted_pages >= 2, "{restricted_pages} pages:\n{all}");
    assert!(
        pages(1, 1).contains("RESTRICTED"),
        "the cover bears the highest marking"
    );
    assert!(all.contains("(https://www.wcoomd.org/seals)"), "{all}");
    assert!(all.contains("ตรวจภาพเอกซเรย์"), "Thai text prints:\n{all}");
}
