//! `attachments`: what a photo costs on the wire. Two fresh HQ/post pairs; at each, the post
//! writes an article and exports to HQ, HQ imports, the post edits the article and exports again.
//! In the second pair the article carries a photo of `--photo-mb` MB (bytes that do not compress,
//! as a JPEG's do not). A third pair sends the first bundle text-only (`--no-attachments`) and
//! the photo with the second.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use outpost::Replica;
use outpost::core::{ArticlePatch, DataDir, InitOptions, NewArticle, attachment_samples};
use outpost::model::ArticleContent;
use outpost::sync::ExportOptions;

struct Row {
    case: &'static str,
    first: (u64, u64),
    second: (u64, u64),
    attach_ms: f64,
    import_ms: f64,
}

pub fn run(root: &Path, photo_mb: usize) -> Result<()> {
    let photo = attachment_samples::png(5, photo_mb * 1_000_000);
    let mut rows = Vec::new();
    for (case, with_photo, text_first) in [
        ("no photo", false, false),
        ("photo", true, false),
        ("photo, first bundle --no-attachments", true, true),
    ] {
        rows.push(pair(
            &root.join(case.replace([' ', ',', '-'], "_")),
            case,
            with_photo.then_some(&photo[..]),
            text_first,
        )?);
    }
    println!(
        "| case | 1st export: bytes (blobs) | 2nd export: bytes (blobs) | attach | HQ import of 1st |"
    );
    println!("|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} ({}) | {} ({}) | {:.1} ms | {:.1} ms |",
            r.case, r.first.0, r.first.1, r.second.0, r.second.1, r.attach_ms, r.import_ms
        );
    }
    Ok(())
}

fn pair(dir: &Path, case: &'static str, photo: Option<&[u8]>, text_first: bool) -> Result<Row> {
    let mut options = InitOptions::new("HQ");
    options.hq = true;
    let mut hq = Replica::create(&DataDir::new(dir.join("hq")), &options)?;
    let file = hq.enrol(&hq.resolve_user(None)?, "Post")?;
    let mut post = Replica::create_from_enrolment(&DataDir::new(dir.join("post")), &file, "admin")?;
    let user = post.resolve_user(None)?;
    let content = ArticleContent::new(
        "Broken seal on a container truck",
        "clearance/border-trade",
        "The seal's number did not match the manifest.\n",
    );
    let id = post.add_article(
        &user,
        NewArticle {
            id: None,
            content,
            publish: false,
        },
    )?;
    let started = Instant::now();
    if let Some(bytes) = photo {
        post.attach(&user, id.as_str(), "seal.jpg", bytes, "Seal 0412")?;
    }
    let attach_ms = started.elapsed().as_secs_f64() * 1e3;
    let export = |post: &mut Replica, name: &str, no_attachments: bool| -> Result<(u64, u64)> {
        let report = post.sync_export(&ExportOptions {
            to: Some("HQ".into()),
            out: dir.join(name),
            no_attachments,
            ..Default::default()
        })?;
        Ok((report.bytes, report.blobs))
    };
    let first = export(&mut post, "first.outpost", text_first)?;
    let started = Instant::now();
    hq.sync_import(&[dir.join("first.outpost")], None, false)?;
    let import_ms = started.elapsed().as_secs_f64() * 1e3;
    let patch = ArticlePatch {
        body: Some("The seal's number did not match the manifest; the driver was held.\n".into()),
        ..Default::default()
    };
    post.edit_article(&user, id.as_str(), patch)?;
    let second = export(&mut post, "second.outpost", false)?;
    Ok(Row {
        case,
        first,
        second,
        attach_ms,
        import_ms,
    })
}
