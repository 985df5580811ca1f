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
