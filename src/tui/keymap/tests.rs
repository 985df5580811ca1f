//! The shipped keymap and key strings.

use super::*;

#[test]
fn the_shipped_keymap_parses_and_every_action_is_bound_somewhere() {
    let keymap = Keymap::load(&KeymapFile::default()).expect("assets/keymap.toml parses");
    for action in Action::ALL {
        let bound = Scope::ALL
            .iter()
            .any(|s| keymap.key_for(*s, *action).is_some());
        assert!(
            bound,
            "`{}` has no key (the palette still runs it)",
            action.name()
        );
    }
}

#[test]
fn key_strings_mix_text_and_named_keys() {
    let keys = Key::parse_seq("ab<Down><C-c><enter><A-l><F1><BackTab>").expect("key string");
    assert_eq!(
        keys,
        vec![
            Key::new(KeyCode::Char('a')),
            Key::new(KeyCode::Char('b')),
            Key::new(KeyCode::Down),
            Key::ctrl('c'),
            Key::new(KeyCode::Enter),
            Key {
                code: KeyCode::Char('l'),
                ctrl: false,
                alt: true
            },
            Key::new(KeyCode::F(1)),
            Key::new(KeyCode::BackTab),
        ]
    );
    assert!(Key::parse_seq("<Nope>").is_err());
    // A lone `<` is text, as typed in a search.
    assert_eq!(
        Key::parse_seq("<").expect("key string"),
        vec![Key::new(KeyCode::Char('<'))]
    );
}

#[test]
fn keys_display_as_they_parse_and_label_for_people() {
    for s in [
        "q",
        "<C-c>",
        "<down>",
        "<esc>",
        "<A-x>",
        "<F2>",
        "<space>",
        "<backtab>",
    ] {
        let key = Key::parse(s).expect("key string");
        assert_eq!(
            Key::parse(&key.to_string()).expect("key string"),
            key,
            "{s}"
        );
    }
    assert_eq!(Key::parse("<C-s>").expect("key").label(), "Ctrl-S");
    assert_eq!(Key::parse("<Down>").expect("key").label(), "↓");
}

#[test]
fn in_a_typing_scope_printable_global_keys_are_text() {
    let keymap = Keymap::default();
    let q = Key::parse("q").expect("key");
    assert_eq!(keymap.resolve(Scope::SearchList, q), Some(Action::Quit));
    assert_eq!(keymap.resolve(Scope::SearchInput, q), None);
    assert_eq!(
        keymap.resolve(Scope::Editor, Key::parse("/").expect("key")),
        None
    );
    for scope in Scope::ALL {
        assert_eq!(
            keymap.resolve(*scope, Key::ctrl('c')),
            Some(Action::Quit),
            "{scope:?}"
        );
    }
}

#[test]
fn help_lists_each_action_once_with_all_its_keys() {
    let keymap = Keymap::default();
    let help = keymap.help(Scope::Reader);
    let down = help
        .iter()
        .find(|(a, _)| *a == Action::Down)
        .expect("down is bound");
    assert_eq!(down.1.len(), 2);
    let actions: Vec<Action> = help.iter().map(|(a, _)| *a).collect();
    let mut unique = actions.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(actions.len(), unique.len());
    // The global `/` applies in the reader, not in the editor where it is text.
    assert!(actions.contains(&Action::Search));
    assert!(
        keymap
            .help(Scope::Editor)
            .iter()
            .all(|(_, keys)| !keys.contains(&Key::new(KeyCode::Char('/'))))
    );
}
