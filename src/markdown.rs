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
//! ---
//!
//! Body in Markdown …
//! ```
//! Rendering is deterministic, so export → import → export gives identical files.

use serde::{Deserialize, Serialize};

use crate::model::{ArticleContent, ArticleId, ArticleRecord, Classification, HsCode, Kind, Lang};

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
}

/// An article read from a file: its id when the front matter names one, and its content.
#[derive(Clone, Debug)]
pub struct ParsedArticle {
    pub id: Option<ArticleId>,
    pub content: ArticleContent,
}

/// Parses one file. Every problem found is returned (without the file name).
pub fn parse(bytes: &[u8]) -> Result<ParsedArticle, Vec<String>> {
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
        Ok(ParsedArticle { id, content })
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

    #[test]
    fn language_is_detected_when_not_given() {
        assert_eq!(detect_lang("การตรวจสอบไม้ท่อน at the border"), Lang::Th);
        assert_eq!(detect_lang("세관에서 통관"), Lang::Ko);
        assert_eq!(detect_lang("timber"), Lang::En);
    }
}
