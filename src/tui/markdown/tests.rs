//! The Markdown layout: blocks, inline marks, links, tables, Thai wrapping.

use super::*;
use unicode_width::UnicodeWidthStr;

fn texts(r: &Rendered) -> Vec<String> {
    r.lines.iter().map(RLine::text).collect()
}

#[test]
fn headings_lists_and_emphasis() {
    let r = render(
        "## Steps\n\n1. Count the **logs**\n- check *stamps* and `4403`\n",
        40,
    );
    assert_eq!(
        texts(&r),
        ["Steps", "", "1. Count the logs", "• check stamps and 4403"]
    );
    assert_eq!(r.lines[0].0[0].1, Sty::Heading);
    assert!(r.lines[2].0.contains(&("logs".to_string(), Sty::Strong)));
    assert!(
        r.lines[3]
            .0
            .contains(&("stamps".to_string(), Sty::Emphasis))
    );
    assert!(r.lines[3].0.contains(&("4403".to_string(), Sty::Code)));
}

#[test]
fn wiki_links_and_urls_are_numbered_with_their_lines() {
    let r = render(
        "See [[seal-checks|seal checks]] first.\n\nThen [the law](https://x.test) and [[timber]].",
        20,
    );
    assert_eq!(
        r.links,
        [
            Link::Wiki("seal-checks".into()),
            Link::Url("https://x.test".into()),
            Link::Wiki("timber".into())
        ]
    );
    let line_of = |i: usize| texts(&r)[r.link_lines[i]].clone();
    assert!(line_of(0).contains("seal checks"));
    assert!(line_of(2).contains("timber"), "{:?}", texts(&r));
}

#[test]
fn a_list_item_wraps_under_its_text() {
    let r = render("- one two three four five six", 12);
    assert_eq!(texts(&r), ["• one two", "  three four", "  five six"]);
}

#[test]
fn a_table_is_a_grid_when_it_fits_and_cards_when_not() {
    let md = "| Code | Goods |\n|---|---|\n| 4403 | Logs |\n";
    assert_eq!(
        texts(&render(md, 40)),
        ["Code │ Goods", "─────┼──────", "4403 │ Logs"]
    );
    let narrow = texts(&render(
        "| Code | Description of goods |\n|--|--|\n| 4403 | Wood in the rough |\n",
        20,
    ));
    assert_eq!(narrow[0], "Code: 4403");
    assert!(narrow[1].starts_with("Description of"), "{narrow:?}");
}

#[test]
fn thai_wraps_between_clusters_and_code_keeps_its_spaces() {
    let r = render("พิกัดอัตราศุลกากรพิกัดอัตราศุลกากร", 10);
    assert!(r.lines.iter().all(|l| l.text().width() <= 10));
    assert_eq!(texts(&r).concat(), "พิกัดอัตราศุลกากรพิกัดอัตราศุลกากร");
    // Thai breaks between words (ICU's dictionary), not inside one.
    let r = render("ตรวจเอกสารก่อนปล่อยรถบรรทุกทุกคัน", 12);
    assert!(
        texts(&r).iter().all(|l| !l.starts_with("อกสาร")),
        "{:?}",
        texts(&r)
    );
    assert_eq!(texts(&r)[0], "ตรวจเอกสาร");
    let r = render("```\nlet  x = 1;\n```", 30);
    assert_eq!(texts(&r), ["  let  x = 1;"]);
}

#[test]
fn snake_case_and_arithmetic_stay_text() {
    let r = render("use hs_code and 2 * 3", 40);
    assert_eq!(texts(&r), ["use hs_code and 2 * 3"]);
}

#[test]
fn blank_lines_between_blocks_are_kept_and_lines_of_a_paragraph_join() {
    let r = render("one\ntwo\n\nthree\n\n\n\n- a\n- b\n\n  - c\n", 40);
    assert_eq!(
        texts(&r),
        ["one two", "", "three", "", "• a", "• b", "", "  • c"]
    );
}

#[test]
fn nested_items_and_their_continuations_sit_under_their_parents_text() {
    let r = render("2. Check:\n   - one\n   - two\n3. Seal\n", 40);
    assert_eq!(texts(&r), ["2. Check:", "   • one", "   • two", "3. Seal"]);
    // A lazy continuation line belongs to the item above it, as CommonMark reads it.
    let r = render("- first\nstill first\n- second\n", 40);
    assert_eq!(texts(&r), ["• first still first", "• second"]);
}

#[test]
fn wiki_links_in_code_are_text_as_for_backlinks() {
    let body = "Use `[[not-a-link]]` here, then [[seal-checks]].\n\n```\n[[nor-this]]\n```\n";
    let r = render(body, 60);
    assert_eq!(r.links, [Link::Wiki("seal-checks".into())]);
    assert_eq!(crate::core::wiki_links(body), ["seal-checks"]);
    assert!(texts(&r).contains(&"  [[nor-this]]".to_string()));
}

#[test]
fn a_hard_break_starts_a_new_line_and_an_image_is_a_link_to_its_source() {
    let r = render("first  \nsecond\\\nthird ![seal photo](seal.jpg)", 40);
    assert_eq!(texts(&r), ["first", "second", "third seal photo"]);
    assert_eq!(r.links, [Link::Url("seal.jpg".into())]);
    assert_eq!(r.link_lines, [2]);
}

/// A body as officers write them: blocks of words, marks, code and links.
fn body() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        4 => "[a-z]{1,6}",
        1 => "[a-z][a-z-]{0,6}".prop_map(|t| format!("[[{t}]]")),
        1 => ("[a-z][a-z-]{0,6}", "[a-z]{1,6}").prop_map(|(t, l)| format!("[[{t}|{l}]]")),
        1 => "[a-z][a-z-]{0,6}".prop_map(|t| format!("`[[{t}]]`")),
        1 => "[a-z]{1,6}".prop_map(|w| format!("*{w}*")),
        1 => "[a-z]{1,6}".prop_map(|w| format!("[{w}](https://x.test)")),
    ];
    let line = (
        prop_oneof![
            Just(""),
            Just("# "),
            Just("> "),
            Just("- "),
            Just("1. "),
            Just("   ")
        ],
        proptest::collection::vec(piece, 1..6),
    )
        .prop_map(|(mark, pieces)| format!("{mark}{}", pieces.join(" ")));
    let block = prop_oneof![
        4 => line,
        1 => "[a-z]{1,6}".prop_map(|t| format!("```\n[[{t}]]\n```")),
        1 => Just(String::new()),
    ];
    proptest::collection::vec(block, 1..8).prop_map(|blocks| blocks.join("\n"))
}

proptest::proptest! {
    /// The reader's wiki links are the ones backlinks keep: the same parser reads both.
    #[test]
    fn the_reader_finds_the_wiki_links_backlinks_keep(body in body(), width in 10usize..90) {
        let r = render(&body, width);
        let mut reader: Vec<String> = Vec::new();
        for link in &r.links {
            if let Link::Wiki(id) = link
                && !reader.contains(id)
            {
                reader.push(id.clone());
            }
        }
        proptest::prop_assert_eq!(reader, crate::core::wiki_links(&body));
        // Every link is on a line that shows it.
        for (i, line) in r.link_lines.iter().enumerate() {
            let shown = r.lines.get(*line).is_some_and(|l| l.0.iter().any(|(_, s)| *s == Sty::Link(i)));
            proptest::prop_assert!(shown, "link {} not on line {}", i, line);
        }
    }
}
