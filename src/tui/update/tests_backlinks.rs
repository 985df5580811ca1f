//! The links pane's backlinks a page at a time: the next page is asked for as the selection
//! nears the end of what is loaded, once, and joins the list when it comes.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::core::{Backlink, BacklinkPage};
use crate::tui::keymap::Key;
use crate::tui::state::reader::BACKLINKS_PAGE;

fn press(state: &mut State, keys: &str) -> Vec<Effect> {
    Key::parse_seq(keys)
        .expect("key string")
        .into_iter()
        .flat_map(|key| update(state, Msg::Key(key)))
        .collect()
}

fn page(from: usize, n: usize, more: bool) -> BacklinkPage {
    BacklinkPage {
        links: (from..from + n)
            .map(|i| Backlink {
                id: format!("case-{i:04}"),
                title: format!("Case {i}"),
            })
            .collect(),
        more,
    }
}

fn drawn(state: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(60, 16)).expect("terminal");
    terminal
        .draw(|f| f.render_widget(&*state, f.area()))
        .expect("draw");
    terminal.backend().to_string()
}

#[test]
fn the_links_pane_loads_the_next_page_of_backlinks_as_the_selection_nears_its_end() {
    let mut state = State::new(60, 16);
    let mut doc = super::tests::reader_doc();
    let first = page(0, BACKLINKS_PAGE, true);
    doc.backlinks = first.links;
    doc.more_backlinks = first.more;
    let id = doc.id.clone();
    update(&mut state, Msg::Opened(Box::new(doc)));
    // One link from the article, then the backlinks.
    assert!(press(&mut state, "2").is_empty(), "the first page is there");
    assert!(drawn(&state).contains(&format!("Links ({}+)", BACKLINKS_PAGE + 1)));

    // Near the top, nothing more is needed.
    assert!(press(&mut state, "<Down><Down>").is_empty());
    // The last screenful of what is loaded asks for the next page, once.
    let effects = press(&mut state, "G");
    assert_eq!(
        effects,
        vec![Effect::LoadBacklinks {
            id: id.clone(),
            after: format!("case-{:04}", BACKLINKS_PAGE - 1),
            offset: BACKLINKS_PAGE
        }]
    );
    assert!(press(&mut state, "<Up><Down>").is_empty(), "already asked");
    assert!(drawn(&state).contains('…'));

    // A page that does not follow what is loaded (from before a reload) is dropped.
    update(
        &mut state,
        Msg::Backlinks {
            id: id.clone(),
            offset: 7,
            page: page(7, 3, true),
        },
    );
    let reader = state.reader().expect("reader");
    assert_eq!(reader.laid.doc.backlinks.len(), BACKLINKS_PAGE);

    update(
        &mut state,
        Msg::Backlinks {
            id: id.clone(),
            offset: BACKLINKS_PAGE,
            page: page(BACKLINKS_PAGE, 20, false),
        },
    );
    let reader = state.reader().expect("reader");
    assert_eq!(reader.laid.doc.backlinks.len(), BACKLINKS_PAGE + 20);
    assert_eq!(
        reader.laid.doc.backlinks[BACKLINKS_PAGE].id,
        format!("case-{BACKLINKS_PAGE:04}")
    );
    assert!(!reader.laid.doc.more_backlinks);
    // Everything is loaded: the end asks for nothing, and the count is exact.
    assert!(press(&mut state, "G").is_empty());
    let screen = drawn(&state);
    assert!(
        screen.contains(&format!("Links ({})", BACKLINKS_PAGE + 21)),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("case-{:04}", BACKLINKS_PAGE + 19)),
        "{screen}"
    );
    assert!(!screen.contains('…'), "{screen}");
}
