//! The default keymap and key strings.

use super::*;

#[test]
fn every_default_binding_parses_to_one_key() {
    let keymap = Keymap::from_table(DEFAULT_BINDINGS).expect("the default keymap parses");
    assert_eq!(keymap.bindings.len(), DEFAULT_BINDINGS.len());
}

#[test]
fn key_strings_mix_text_and_named_keys() {
    let keys = Key::parse_seq("ab<Down><C-c><enter>").expect("key string");
    assert_eq!(
        keys,
        vec![
            Key::new(KeyCode::Char('a')),
            Key::new(KeyCode::Char('b')),
            Key::new(KeyCode::Down),
            Key::ctrl('c'),
            Key::new(KeyCode::Enter),
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
fn keys_display_as_they_parse() {
    for s in ["q", "<C-c>", "<down>", "<esc>"] {
        let key = Key::parse_seq(s).expect("key string")[0];
        assert_eq!(
            Key::parse_seq(&key.to_string()).expect("key string"),
            vec![key]
        );
    }
}

#[test]
fn ctrl_c_quits_in_every_scope() {
    let keymap = Keymap::default();
    for scope in [Scope::Search, Scope::Reader] {
        assert_eq!(keymap.resolve(scope, Key::ctrl('c')), Some(Action::Quit));
    }
}

#[test]
fn every_action_has_a_name_and_a_doc() {
    for action in Action::ALL {
        assert!(!action.name().is_empty() && !action.doc().is_empty());
    }
}
