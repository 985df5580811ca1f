//! The Harmonized System 2022 nomenclature, built in: chapters, headings and subheadings with
//! their descriptions and sections, so codes on articles can be checked and explained offline.
//!
//! The data is the UN Comtrade HS 2022 table (`assets/hs/`), embedded and parsed once. Its
//! invariants, checked while parsing: every code is 2, 4 or 6 digits matching its level, codes are
//! unique, and a code's parent is the code minus its last two digits (`TOTAL` for a chapter). The
//! table's root row (`TOTAL`) is not a code and is skipped. Chapter 99 ("commodities not specified
//! according to kind") is a statistical code of the source, kept as given; its section is `TOTAL`,
//! which has no name.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::error::{Error, Result};
use crate::model::HsCode;

const HS_CSV: &str = include_str!("../assets/hs/harmonized-system.csv");
const SECTIONS_CSV: &str = include_str!("../assets/hs/sections.csv");

/// How many neighbours an unknown code's message suggests.
const MAX_NEAREST: usize = 5;
/// How much of an ancestor's description an error message quotes.
const SHORT_DESCRIPTION: usize = 60;

/// One chapter (2 digits), heading (4) or subheading (6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HsEntry {
    /// Digits only: `09`, `0901`, `090121`.
    pub code: String,
    pub description: String,
    /// 2, 4 or 6: the number of digits.
    pub level: u8,
    /// The code one level up; `None` for a chapter.
    pub parent: Option<String>,
    /// Roman numeral (`II`), a key for [`Nomenclature::section_name`].
    pub section: String,
}

impl HsEntry {
    /// `09`, `0901`, `0901.21`.
    pub fn dotted(&self) -> String {
        dotted(&self.code)
    }
}

/// The whole nomenclature; see [`Nomenclature::builtin`].
#[derive(Debug)]
pub struct Nomenclature {
    /// In file order (chapter, its headings, their subheadings, next chapter…).
    entries: Vec<HsEntry>,
    /// Code → index into `entries`.
    by_code: HashMap<String, usize>,
    sections: HashMap<String, String>,
}

static BUILTIN: LazyLock<Nomenclature> = LazyLock::new(|| {
    Nomenclature::parse(HS_CSV, SECTIONS_CSV)
        .unwrap_or_else(|e| panic!("the embedded HS 2022 nomenclature is malformed: {e}"))
});

impl Nomenclature {
    /// The embedded HS 2022 nomenclature, parsed on first use.
    pub fn builtin() -> &'static Nomenclature {
        &BUILTIN
    }

    /// Every chapter, heading and subheading, in file order.
    pub fn entries(&self) -> &[HsEntry] {
        &self.entries
    }

    /// The entry for exactly these digits (`0901`, `090121`), if it exists.
    pub fn get(&self, digits: &str) -> Option<&HsEntry> {
        self.by_code.get(digits).map(|&i| &self.entries[i])
    }

    /// Chapter → heading → subheading for a 2-, 4- or 6-digit code; an 8- or 10-digit national
    /// code gives the chain of its 6-digit prefix. For an unknown code the chain stops at its
    /// nearest existing ancestor (empty if even the chapter is unknown or the input is not digits).
    pub fn chain(&self, digits: &str) -> Vec<&HsEntry> {
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Vec::new();
        }
        [2, 4, 6]
            .into_iter()
            .take_while(|&n| n <= digits.len())
            .map_while(|n| self.get(&digits[..n]))
            .collect()
    }

    /// What a lookup of `digits` shows, each entry with its depth: chapter → heading →
    /// subheading, then the entries one level below the last (a heading's subheadings). An 8- or
    /// 10-digit national code shows its subheading's chain; an unknown code, the chain of its
    /// nearest existing ancestor (empty if even its chapter is unknown).
    pub fn outline(&self, digits: &str) -> Vec<(usize, &HsEntry)> {
        let chain = self.chain(digits);
        let depth = chain.len();
        let mut out: Vec<(usize, &HsEntry)> = chain.into_iter().enumerate().collect();
        if let Some((_, last)) = out.last()
            && last.code == digits
        {
            let code = last.code.clone();
            out.extend(
                self.entries
                    .iter()
                    .filter(|e| e.parent.as_deref() == Some(code.as_str()))
                    .map(|e| (depth, e)),
            );
        }
        out
    }

    /// The name of a section (`IX` → "Wood and articles of wood; …").
    pub fn section_name(&self, section: &str) -> Option<&str> {
        self.sections.get(section).map(String::as_str)
    }

    /// A 4- or 6-digit code must exist; an 8- or 10-digit code is a national extension and is
    /// fine if its 6-digit subheading exists. A refusal names the nearest valid codes.
    pub fn check(&self, code: &HsCode) -> Result<()> {
        let digits = code.digits();
        let probe = &digits[..digits.len().min(6)];
        if self.get(probe).is_some() {
            return Ok(());
        }
        Err(Error::invalid(self.refusal(code, probe)))
    }

    /// The description of the code, or of its nearest existing ancestor; `None` if even its
    /// chapter does not exist.
    pub fn describe(&self, code: &HsCode) -> Option<String> {
        self.chain(code.digits())
            .last()
            .map(|entry| entry.description.clone())
    }

    /// Why `code` is refused, given `probe` (its first 6 digits at most) does not exist.
    fn refusal(&self, code: &HsCode, probe: &str) -> String {
        let chain = self.chain(probe);
        // The first level that is missing: the code itself, or an ancestor of it.
        let missing = &probe[..(chain.len() + 1) * 2];
        let mut msg = format!("`{code}` is not in the HS 2022 nomenclature");
        if missing.len() < code.digits().len() {
            let level = level_name(missing.len());
            msg += &format!(": {level} {} does not exist", dotted(missing));
        }
        let Some(ancestor) = chain.last() else {
            let chapters = self.nearest(|e| e.level == 2, missing, 2);
            let reason = match missing {
                "77" => " (reserved for possible future use)",
                "98" => " (reserved for national use)",
                _ => "",
            };
            let list: Vec<String> = chapters
                .iter()
                .map(|e| format!("{} ({})", e.code, short(&e.description)))
                .collect();
            return format!("{msg}{reason}; nearest chapters: {}", list.join(", "));
        };
        let children = self.nearest(
            |e| e.parent.as_deref() == Some(&ancestor.code),
            missing,
            MAX_NEAREST,
        );
        let list: Vec<String> = children.iter().map(|e| e.dotted()).collect();
        format!(
            "{msg}; nearest: {} ({} {}: {})",
            list.join(", "),
            level_name(ancestor.code.len()),
            ancestor.dotted(),
            short(&ancestor.description)
        )
    }

    /// Up to `max` entries matching `keep`, numerically closest to `target` first (ties: lower).
    fn nearest(&self, keep: impl Fn(&HsEntry) -> bool, target: &str, max: usize) -> Vec<&HsEntry> {
        let target: i64 = target.parse().unwrap_or(0);
        let mut found: Vec<(i64, &HsEntry)> = self
            .entries
            .iter()
            .filter(|e| keep(e))
            .map(|e| (e.code.parse::<i64>().unwrap_or(0), e))
            .collect();
        found.sort_by_key(|&(n, _)| ((n - target).abs(), n));
        found.into_iter().take(max).map(|(_, e)| e).collect()
    }

    fn parse(hs_csv: &str, sections_csv: &str) -> std::result::Result<Self, String> {
        let mut sections = HashMap::new();
        for (line, fields) in records(sections_csv, &["section", "name"], "sections.csv")? {
            let [section, name] = <[String; 2]>::try_from(fields).map_err(|f| {
                format!(
                    "sections.csv line {line}: expected 2 fields, found {}",
                    f.len()
                )
            })?;
            sections.insert(section.trim().to_string(), name.trim().to_string());
        }

        let header = ["section", "hscode", "description", "parent", "level"];
        let mut entries = Vec::new();
        let mut by_code = HashMap::new();
        for (line, fields) in records(hs_csv, &header, "harmonized-system.csv")? {
            let entry = entry_from(fields)
                .map_err(|e| format!("harmonized-system.csv line {line}: {e}"))?;
            let Some(entry) = entry else { continue };
            if let Some(parent) = &entry.parent
                && !by_code.contains_key(parent)
            {
                return Err(format!(
                    "harmonized-system.csv line {line}: parent {parent} of {} is not listed before it",
                    entry.code
                ));
            }
            if by_code.insert(entry.code.clone(), entries.len()).is_some() {
                return Err(format!(
                    "harmonized-system.csv line {line}: code {} is listed twice",
                    entry.code
                ));
            }
            entries.push(entry);
        }
        Ok(Nomenclature {
            entries,
            by_code,
            sections,
        })
    }
}

/// One row of the HS table; `None` for the table's root row (`TOTAL`), which is not a code.
fn entry_from(fields: Vec<String>) -> std::result::Result<Option<HsEntry>, String> {
    let [section, code, description, parent, level] = <[String; 5]>::try_from(fields)
        .map_err(|f| format!("expected 5 fields, found {}", f.len()))?;
    if code == "TOTAL" {
        return Ok(None);
    }
    let level: u8 = level
        .parse()
        .map_err(|_| format!("level `{level}` is not a number"))?;
    let well_formed = matches!(level, 2 | 4 | 6)
        && code.len() == usize::from(level)
        && code.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(format!("code `{code}` does not match level {level}"));
    }
    let expected_parent = &code[..code.len() - 2];
    let parent = match (level, parent.as_str()) {
        (2, "TOTAL") => None,
        (4 | 6, p) if p == expected_parent => Some(parent),
        _ => return Err(format!("code {code} has unexpected parent `{parent}`")),
    };
    // Some source descriptions were cut at 255 characters and end in ", "; trim the loose end.
    let description = description.trim().to_string();
    if description.is_empty() {
        return Err(format!("code {code} has no description"));
    }
    Ok(Some(HsEntry {
        code,
        description,
        level,
        parent,
        section: section.trim().to_string(),
    }))
}

type Records = Vec<(usize, Vec<String>)>;

/// The data rows of a CSV file (with their line numbers) after checking its header.
fn records(text: &str, header: &[&str], file: &str) -> std::result::Result<Records, String> {
    let mut rows = read_csv(text)
        .map_err(|e| format!("{file} {e}"))?
        .into_iter();
    match rows.next() {
        Some((_, fields)) if fields == header => Ok(rows.collect()),
        Some((_, fields)) => Err(format!(
            "{file}: header is `{}`, expected `{}`",
            fields.join(","),
            header.join(",")
        )),
        None => Err(format!("{file} is empty")),
    }
}

/// Splits CSV text (RFC 4180) into records, each with the line it starts on. A field may be
/// quoted, and then may hold commas and line breaks, with `""` standing for one quote. Accepts
/// LF or CRLF, an optional final newline and a leading UTF-8 byte-order mark; skips blank lines.
fn read_csv(text: &str) -> std::result::Result<Records, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let (mut line, mut record_line) = (1, 1);
    // `quoted`: the current field was quoted and its closing quote has been read.
    let (mut started, mut quoted) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ',' => {
                fields.push(std::mem::take(&mut field));
                (started, quoted) = (true, false);
            }
            '\n' => {
                if started || !field.is_empty() {
                    fields.push(std::mem::take(&mut field));
                    records.push((record_line, std::mem::take(&mut fields)));
                }
                line += 1;
                record_line = line;
                (started, quoted) = (false, false);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            _ if quoted => return Err(format!("line {line}: text after a closing quote")),
            '"' if field.is_empty() => {
                let opened_on = line;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            line += usize::from(c == '\n');
                            field.push(c);
                        }
                        None => return Err(format!("line {opened_on}: a quoted field never ends")),
                    }
                }
                (started, quoted) = (true, true);
            }
            '"' => return Err(format!("line {line}: a quote inside an unquoted field")),
            c => {
                field.push(c);
                started = true;
            }
        }
    }
    if started || !field.is_empty() {
        fields.push(field);
        records.push((record_line, fields));
    }
    Ok(records)
}

fn level_name(digits: usize) -> &'static str {
    match digits {
        2 => "chapter",
        4 => "heading",
        _ => "subheading",
    }
}

/// `09`, `0901`, `0901.21` for bare digits.
pub(crate) fn dotted(digits: &str) -> String {
    match digits.split_at_checked(4) {
        Some((heading, sub)) if !sub.is_empty() => format!("{heading}.{sub}"),
        _ => digits.to_string(),
    }
}

/// A description cut to about [`SHORT_DESCRIPTION`] characters at a word boundary.
fn short(description: &str) -> String {
    if description.chars().count() <= SHORT_DESCRIPTION {
        return description.to_string();
    }
    let cut: String = description.chars().take(SHORT_DESCRIPTION).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hs() -> &'static Nomenclature {
        Nomenclature::builtin()
    }

    fn code(s: &str) -> HsCode {
        HsCode::parse(s).expect("well-formed code")
    }

    fn refusal(s: &str) -> String {
        match hs().check(&code(s)) {
            Err(Error::Invalid { reason: msg }) => msg,
            other => panic!("{s}: expected Error::Invalid, got {other:?}"),
        }
    }

    #[test]
    fn an_outline_is_the_chain_then_the_level_below() {
        let codes = |digits: &str| -> Vec<(usize, String)> {
            hs().outline(digits)
                .into_iter()
                .map(|(d, e)| (d, e.code.clone()))
                .collect()
        };
        let heading = codes("4403");
        assert_eq!(heading[..2], [(0, "44".into()), (1, "4403".into())]);
        assert!(
            heading[2..]
                .iter()
                .all(|(d, c)| *d == 2 && c.starts_with("4403"))
        );
        assert!(heading.contains(&(2, "440349".into())));
        // A national code shows its subheading's chain and nothing below.
        assert_eq!(
            codes("44034910"),
            vec![(0, "44".into()), (1, "4403".into()), (2, "440349".into())]
        );
        // An unknown heading shows its chapter only; an unknown chapter shows nothing.
        assert_eq!(codes("0111"), vec![(0, "01".into())]);
        assert!(codes("77").is_empty());
    }

    #[test]
    fn the_embedded_data_parses_to_every_hs2022_code() {
        let count = |level| hs().entries().iter().filter(|e| e.level == level).count();
        // 6,940 data rows less the `TOTAL` root row.
        assert_eq!(hs().entries().len(), 6_939);
        assert_eq!(count(2), 97, "01–97 without the reserved 77, plus 99");
        assert_eq!(count(4), 1_229);
        assert_eq!(count(6), 5_613);
        assert!(hs().get("TOTAL").is_none());
        assert_eq!(hs().entries()[0].code, "01", "file order is kept");
    }

    #[test]
    fn every_section_has_a_name_except_the_statistical_chapter_99() {
        for e in hs().entries() {
            if e.code.starts_with("99") {
                assert_eq!(e.section, "TOTAL");
            } else {
                assert!(hs().section_name(&e.section).is_some(), "{}", e.code);
            }
        }
        assert_eq!(
            hs().section_name("I"),
            Some("live animals; animal products")
        );
        assert_eq!(
            hs().section_name("VII"),
            Some("Plastics and articles thereof; rubber and articles thereof"),
            "trailing space in the source is trimmed"
        );
        assert_eq!(hs().section_name("XXII"), None);
    }

    #[test]
    fn the_chain_of_0901_21_runs_chapter_heading_subheading() {
        let chain = hs().chain("090121");
        let got: Vec<(&str, &str)> = chain
            .iter()
            .map(|e| (e.code.as_str(), e.description.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("09", "Coffee, tea, mate and spices"),
                (
                    "0901",
                    "Coffee, whether or not roasted or decaffeinated; husks and skins; coffee substitutes containing coffee in any proportion"
                ),
                ("090121", "Coffee; roasted, not decaffeinated"),
            ]
        );
        let dotted: Vec<String> = chain.iter().map(|e| e.dotted()).collect();
        assert_eq!(dotted, ["09", "0901", "0901.21"]);
        assert_eq!(chain[2].parent.as_deref(), Some("0901"));
        assert_eq!(chain[0].parent, None);
        assert_eq!(chain[0].section, "II");
    }

    #[test]
    fn national_codes_chain_and_describe_through_their_subheading() {
        assert_eq!(hs().chain("0901211000"), hs().chain("090121"));
        assert_eq!(hs().chain("09012110").len(), 3);
        assert_eq!(
            hs().describe(&code("0901.21.10")).as_deref(),
            Some("Coffee; roasted, not decaffeinated")
        );
        assert!(hs().chain("09.01").is_empty());
        assert!(hs().chain("7701").is_empty());
    }

    #[test]
    fn describe_falls_back_to_the_nearest_existing_ancestor() {
        assert_eq!(
            hs().describe(&code("4403.92")).as_deref(),
            Some(
                "Wood in the rough, whether or not stripped of bark or sapwood, or roughly squared"
            )
        );
        assert_eq!(hs().describe(&code("7701")), None);
    }

    #[test]
    fn quoted_descriptions_with_commas_parse_whole() {
        let horses = hs().get("0101").expect("heading 0101");
        assert_eq!(horses.description, "Horses, asses, mules and hinnies; live");
        assert_eq!(horses.section, "I");

        let csv = "a,b\n\"x, \"\"y\"\"\",\"two\nlines\"\r\nplain,\"\"\n";
        let rows = read_csv(csv).expect("valid CSV");
        assert_eq!(
            rows,
            [
                (1, vec!["a".to_string(), "b".to_string()]),
                (2, vec!["x, \"y\"".to_string(), "two\nlines".to_string()]),
                (4, vec!["plain".to_string(), String::new()]),
            ]
        );
    }

    #[test]
    fn malformed_csv_is_reported_with_its_line() {
        let err = read_csv("a,b\n\"open,b\n").expect_err("unterminated");
        assert!(
            err.contains("line 2") && err.contains("never ends"),
            "{err}"
        );
        let err = read_csv("a,b\n\"x\"y,b\n").expect_err("text after quote");
        assert!(err.contains("line 2"), "{err}");
        let err = Nomenclature::parse(
            "section,hscode,description,parent,level\nI,01,Live\n",
            "section,name\n",
        )
        .expect_err("short row");
        assert!(err.contains("line 2: expected 5 fields"), "{err}");
        let err = Nomenclature::parse(
            "section,hscode,description,parent,level\nI,0101,Horses,01,4\n",
            "section,name\n",
        )
        .expect_err("orphan");
        assert!(err.contains("parent 01"), "{err}");
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let nom = Nomenclature::parse(
            "\u{feff}section,hscode,description,parent,level\nI,01,Animals; live,TOTAL,2\n",
            "\u{feff}section,name\r\nI,Live animals\r\n",
        )
        .expect("BOM-prefixed files parse");
        assert_eq!(nom.section_name("I"), Some("Live animals"));
        assert_eq!(
            nom.get("01").map(|e| e.description.as_str()),
            Some("Animals; live")
        );
        // The real sections file starts with a BOM.
        assert!(SECTIONS_CSV.starts_with('\u{feff}'));
    }

    #[test]
    fn existing_and_national_codes_pass_the_check() {
        for ok in [
            "0901",
            "0901.21",
            "0901.21.10",
            "0901.21.10.00",
            "4403.99",
            "0409.00",
        ] {
            assert!(hs().check(&code(ok)).is_ok(), "{ok} refused");
        }
    }

    #[test]
    fn an_unknown_subheading_is_refused_with_its_neighbours() {
        assert_eq!(
            refusal("4403.92"),
            "`4403.92` is not in the HS 2022 nomenclature; nearest: 4403.91, 4403.93, 4403.94, \
             4403.95, 4403.96 (heading 4403: Wood in the rough, whether or not stripped of bark or…)"
        );
    }

    #[test]
    fn a_national_code_under_an_unknown_subheading_names_the_subheading() {
        let msg = refusal("4403.92.10");
        assert!(
            msg.starts_with(
                "`4403.92.10` is not in the HS 2022 nomenclature: subheading 4403.92 does not exist; \
                 nearest: 4403.91, 4403.93"
            ),
            "{msg}"
        );
    }

    #[test]
    fn an_unknown_heading_is_refused_with_the_nearest_headings_of_its_chapter() {
        assert_eq!(
            refusal("4499.10"),
            "`4499.10` is not in the HS 2022 nomenclature: heading 4499 does not exist; nearest: \
             4421, 4420, 4419, 4418, 4417 (chapter 44: Wood and articles of wood; wood charcoal)"
        );
        assert!(
            refusal("4499").starts_with("`4499` is not in the HS 2022 nomenclature; nearest: 4421")
        );
    }

    #[test]
    fn a_reserved_chapter_is_explained() {
        assert_eq!(
            refusal("7701"),
            "`7701` is not in the HS 2022 nomenclature: chapter 77 does not exist (reserved for \
             possible future use); nearest chapters: 76 (Aluminium and articles thereof), 78 (Lead \
             and articles thereof)"
        );
        assert!(
            refusal("9801.00").contains("chapter 98 does not exist (reserved for national use)")
        );
    }

    #[test]
    fn long_descriptions_are_shortened_at_a_word() {
        assert_eq!(short("Coffee"), "Coffee");
        let long = "word ".repeat(30);
        let cut = short(&long);
        assert!(
            cut.ends_with("word…") && cut.chars().count() <= SHORT_DESCRIPTION + 1,
            "{cut}"
        );
    }
}
