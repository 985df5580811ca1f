//! Markdown files with YAML front matter: how articles leave and enter Outpost as plain files.
//!
//! ```text
//! ---
//! id: timber-inspection-land-border
//! title: Inspecting timber imported across a land border
//! category: commodity/timber-wood
//! tags: [timber, inspection]
//! hs_codes: ["4403.49"]
//! lang: en
//! kind: technique
//! classification: public
//! review_by: 2027-06-30
//! summary: …
//! status: published
//! ---
//!
//! Body in Markdown …
//! ```
//! Rendering is deterministic, so export → import → export gives identical files.
//!
//! `status` is written by export so that a copy keeps retired articles as retired. On import,
//! `retired` retires the article; otherwise `import-md --publish` decides, since publishing is
//! an administrator's act and not something a file can claim.
//!
//! A file comes from anywhere, so its size is policy: see [`MAX_FRONT_MATTER`] and [`MAX_BODY`].
//! YAML aliases (`&a` … `*a`) can make a small front matter stand for gigabytes; the expanded
//! size is counted, without building it, and held to the same bound as the front matter itself.

mod limits;

use serde::{Deserialize, Serialize};

pub use limits::{MAX_BODY, MAX_FILE, MAX_FRONT_MATTER, body_too_large, read_at_most};
use limits::{check_sizes, size};

use crate::model::{
    ArticleContent, ArticleId, ArticleRecord, Classification, HsCode, Kind, Lang, Status,
};

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    hs_codes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    classification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    review_by: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
}

/// An article read from a file: its id when the front matter names one, and its content.
#[derive(Clone, Debug)]
pub struct ParsedArticle {
    pub id: Option<ArticleId>,
    pub content: ArticleContent,
    /// The status the file says the article has (export writes it).
    pub status: Option<Status>,
}

/// Parses one file. Every problem found is returned (without the file name).
pub fn parse(bytes: &[u8]) -> Result<ParsedArticle, Vec<String>> {
    if bytes.len() > MAX_FILE {
        return Err(vec![format!(
            "the file is larger than {}: an article has at most {} of front matter and {} of body; split it into several articles",
            size(MAX_FILE),
            size(MAX_FRONT_MATTER),
            size(MAX_BODY)
        )]);
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(vec!["the file is not UTF-8 text; save it as UTF-8".into()]);
    };
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let Some(rest) = text.strip_prefix("---\n") else {
        return Err(vec![
            "no front matter: the file must start with a line `---`".into(),
        ]);
    };
    let Some(end) = rest
        .find("\n---\n")
        .map(|i| i + 1)
        .or_else(|| rest.strip_suffix("\n---").map(|r| r.len() + 1))
    else {
        return Err(vec![
            "the front matter is not closed by a line `---`".into(),
        ]);
    };
    let yaml = &rest[..end];
    let body = rest[end..].strip_prefix("---").unwrap_or("");
    let body = body.strip_prefix('\n').unwrap_or(body);
    let body = body.strip_prefix('\n').unwrap_or(body);
    check_sizes(yaml, body)?;

    let front: FrontMatter = match serde_yaml_ng::from_str(yaml) {
        Ok(f) => f,
        Err(e) => return Err(vec![format!("the front matter does not parse: {e}")]),
    };
    let mut problems = Vec::new();
    let mut note = |r: Result<(), crate::Error>| {
        if let Err(e) = r {
            problems.push(e.to_string());
        }
    };
    let id = match front.id.as_deref().map(ArticleId::parse).transpose() {
        Ok(id) => id,
        Err(e) => {
            note(Err(e));
            None
        }
    };
    let title = front.title.unwrap_or_default();
    if title.trim().is_empty() {
        note(Err(crate::Error::invalid(
            "missing title: add `title: …` to the front matter",
        )));
    }
    let category = front.category.unwrap_or_default();
    if category.trim().is_empty() {
        note(Err(crate::Error::invalid(
            "missing category: add `category: …` (see `outpost categories`)",
        )));
    }
    let mut hs_codes = Vec::new();
    for code in &front.hs_codes {
        match HsCode::parse(code) {
            Ok(c) => hs_codes.push(c),
            Err(e) => note(Err(e)),
        }
    }
    let lang = match front.lang.as_deref() {
        Some(l) => l.parse().map_err(|e| note(Err(e))).unwrap_or(Lang::En),
        None => detect_lang(&format!("{title}\n{body}")),
    };
    let kind = match front.kind.as_deref() {
        Some(k) => k
            .parse()
            .map_err(|e| note(Err(e)))
            .unwrap_or(Kind::Procedure),
        None => Kind::Procedure,
    };
    let classification = match front.classification.as_deref() {
        Some(c) => c
            .parse()
            .map_err(|e| note(Err(e)))
            .unwrap_or(Classification::Public),
        None => Classification::Public,
    };
    if let Some(date) = &front.review_by {
        note(crate::model::article::parse_date(date).map(|_| ()));
    }
    let status = match front.status.as_deref().map(str::parse).transpose() {
        Ok(status) => status,
        Err(e) => {
            note(Err(e));
            None
        }
    };
    let content = ArticleContent {
        title,
        summary: front.summary,
        body: body.to_string(),
        category,
        tags: front.tags,
        hs_codes,
        lang,
        kind,
        classification,
        review_by: front.review_by,
    }
    .normalized();
    let field_check = content.check_fields();
    if problems.is_empty()
        && let Err(e) = field_check
    {
        problems.push(e.to_string());
    }
    if problems.is_empty() {
        Ok(ParsedArticle {
            id,
            content,
            status,
        })
    } else {
        Err(problems)
    }
}

/// The language a text is most likely in, by the scripts of its letters.
pub fn detect_lang(text: &str) -> Lang {
    let (mut thai, mut hangul, mut latin) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        match c {
            '\u{0E00}'..='\u{0E7F}' => thai += 1,
            '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => {
                hangul += 1
            }
            c if c.is_ascii_alphabetic() => latin += 1,
            _ => {}
        }
    }
    if thai >= hangul && thai * 4 >= latin && thai > 0 {
        Lang::Th
    } else if hangul > 0 && hangul * 4 >= latin {
        Lang::Ko
    } else {
        Lang::En
    }
}

/// Renders an article as a Markdown file with front matter.
pub fn render(record: &ArticleRecord) -> String {
    let c = &record.content;
    let front = FrontMatter {
        id: Some(record.id.to_string()),
        title: Some(c.title.clone()),
        category: Some(c.category.clone()),
        tags: c.tags.clone(),
        hs_codes: c.hs_codes.iter().map(ToString::to_string).collect(),
        lang: Some(c.lang.to_string()),
        kind: Some(c.kind.to_string()),
        classification: Some(c.classification.to_string()),
        review_by: c.review_by.clone(),
        summary: c.summary.clone(),
        status: Some(record.status.to_string()),
    };
    // Serializing a plain struct of strings cannot fail.
    let yaml = serde_yaml_ng::to_string(&front).unwrap_or_default();
    format!("---\n{yaml}---\n\n{}", c.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "---\ntitle: \"Case: seals\"\ncategory: clearance/container-seals\ntags: [Seals, seals, x-ray]\nhs_codes: [\"8309.90\"]\nreview_by: 2027-01-31\n---\n\nCheck the seal.\n";

    #[test]
    fn front_matter_and_body_are_read() {
        let parsed = parse(SAMPLE.as_bytes()).expect("valid sample");
        assert_eq!(parsed.content.title, "Case: seals");
        assert_eq!(parsed.content.tags, ["seals", "x-ray"]);
        assert_eq!(parsed.content.hs_codes[0].to_string(), "8309.90");
        assert_eq!(parsed.content.body, "Check the seal.\n");
        assert_eq!(parsed.content.lang, Lang::En);
        assert_eq!(parsed.content.review_by.as_deref(), Some("2027-01-31"));
    }

    #[test]
    fn every_problem_is_reported() {
        let bad = "---\ncategory: \"\"\nhs_codes: [\"12\", \"0901.2\"]\nkind: poem\n---\nx\n";
        let problems = parse(bad.as_bytes()).expect_err("invalid");
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("missing title")));
        assert!(parse(b"no front matter").is_err());
        assert!(parse(&[0xff, 0xfe, 0x00]).expect_err("binary")[0].contains("UTF-8"));
        assert!(
            parse(b"---\ntitle: [unclosed\n---\n").expect_err("yaml")[0].contains("does not parse")
        );
    }

    fn front(yaml: &str, body: &str) -> Vec<u8> {
        format!("---\n{yaml}---\n\n{body}").into_bytes()
    }

    #[test]
    fn aliases_that_expand_front_matter_past_its_limit_are_refused() {
        // 32 KiB written once, repeated 4,000 times: 128 MiB once expanded, from 48 KiB of text.
        let aliases = vec!["*a"; 4_000].join(", ");
        let yaml = format!(
            "title: t\ncategory: clearance\ntags: [&a \"{}\", {aliases}]\n",
            "x".repeat(32 * 1024)
        );
        assert!(yaml.len() < MAX_FRONT_MATTER);
        let problems = parse(&front(&yaml, "b\n")).expect_err("alias bomb");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("expands to more than 64 KiB through YAML aliases"),
            "{problems:?}"
        );
    }

    #[test]
    fn nested_aliases_are_refused_quickly() {
        let mut yaml =
            String::from("title: t\ncategory: clearance\nl0: &l0 [\"\", \"\", \"\", \"\"]\n");
        for level in 1..12 {
            let prev = format!("*l{}", level - 1);
            yaml.push_str(&format!(
                "l{level}: &l{level} [{}]\n",
                vec![prev; 8].join(", ")
            ));
        }
        let started = std::time::Instant::now();
        let problems = parse(&front(&yaml, "b\n")).expect_err("nested bomb");
        assert!(problems[0].contains("expands to more than"), "{problems:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn ampersands_and_stars_in_plain_text_are_not_aliases() {
        let yaml = "title: Fish & chips *fresh*\ncategory: clearance\nsummary: \"a & b, *c*\"\ntags: [r&d]\n";
        let parsed = parse(&front(yaml, "* a list\n")).expect("plain text");
        assert_eq!(parsed.content.title, "Fish & chips *fresh*");
        assert_eq!(parsed.content.tags, ["r&d"]);
    }

    #[test]
    fn front_matter_body_and_file_sizes_are_bounded_with_the_limit_in_the_message() {
        let long = format!(
            "title: t\ncategory: clearance\nsummary: {}\n",
            "s".repeat(MAX_FRONT_MATTER)
        );
        let problems = parse(&front(&long, "b\n")).expect_err("front matter");
        assert!(
            problems[0].contains("it may be at most 64 KiB"),
            "{problems:?}"
        );

        let yaml = "title: t\ncategory: clearance\n";
        let fits = parse(&front(yaml, &format!("{}\n", "b".repeat(MAX_BODY - 1))));
        assert!(fits.is_ok(), "{fits:?}");
        let problems = parse(&front(yaml, &"b".repeat(MAX_BODY + 1))).expect_err("body");
        assert!(
            problems[0].contains("may be at most 1 MiB: split it"),
            "{problems:?}"
        );

        let problems = parse(&vec![b'x'; MAX_FILE + 1]).expect_err("file");
        assert!(
            problems[0].contains("the file is larger than"),
            "{problems:?}"
        );
    }

    #[test]
    fn an_endless_stream_is_read_only_to_its_limit_and_one_byte_more() {
        let bytes = read_at_most(std::io::repeat(b'z'), 1000).expect("read");
        assert_eq!(bytes.len(), 1001);
    }

    #[test]
    fn the_status_is_written_and_read_back() {
        let parsed = parse(&front(
            "title: t\ncategory: clearance\nstatus: retired\n",
            "b\n",
        ))
        .expect("status");
        assert_eq!(parsed.status, Some(Status::Retired));
        let problems = parse(&front(
            "title: t\ncategory: clearance\nstatus: gone\n",
            "b\n",
        ))
        .expect_err("bad status");
        assert!(problems[0].contains("gone"), "{problems:?}");
    }

    #[test]
    fn language_is_detected_when_not_given() {
        assert_eq!(detect_lang("การตรวจสอบไม้ท่อน at the border"), Lang::Th);
        assert_eq!(detect_lang("세관에서 통관"), Lang::Ko);
        assert_eq!(detect_lang("timber"), Lang::En);
    }
}
