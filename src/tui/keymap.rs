//! Keys and what they do: our own `Key` type (so nothing past `tui.rs` sees crossterm), named
//! actions with a one-line doc each, and the default bindings as a table of data. The table is
//! what a future `assets/keymap.toml` and the help overlay will be built from.

use std::fmt;

/// A key press, independent of the terminal library. Shift is folded into the character.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Backspace,
    Delete,
    Tab,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
}

/// Names of special keys in key strings (`<Down>`), matched case-insensitively.
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("ret", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("bs", KeyCode::Backspace),
    ("backspace", KeyCode::Backspace),
    ("del", KeyCode::Delete),
    ("tab", KeyCode::Tab),
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pgup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("pgdn", KeyCode::PageDown),
];

impl Key {
    pub const fn new(code: KeyCode) -> Self {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn ctrl(c: char) -> Self {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// The character this key types into a text field, if it types one at all.
    pub fn typed_char(self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt && !c.is_control() => Some(c),
            _ => None,
        }
    }

    /// Parses a key string as in the keymap and in tests: `q`, `<Down>`, `<C-c>`, and sequences
    /// such as `timber<Down><Enter>`.
    pub fn parse_seq(s: &str) -> Result<Vec<Key>, String> {
        let mut keys = Vec::new();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            if c == '<'
                && let Some(end) = rest.find('>')
                && end > 1
            {
                keys.push(Self::parse_bracketed(&rest[1..end])?);
                rest = &rest[end + 1..];
            } else {
                keys.push(Key::new(KeyCode::Char(c)));
                rest = &rest[c.len_utf8()..];
            }
        }
        Ok(keys)
    }

    fn parse_bracketed(inner: &str) -> Result<Key, String> {
        let mut key = Key::new(KeyCode::Esc);
        let mut name = inner;
        loop {
            if let Some(rest) = name.strip_prefix("C-") {
                key.ctrl = true;
                name = rest;
            } else if let Some(rest) = name.strip_prefix("A-") {
                key.alt = true;
                name = rest;
            } else {
                break;
            }
        }
        let mut chars = name.chars();
        key.code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => NAMED
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, code)| *code)
                .ok_or_else(|| {
                    format!("`<{inner}>` is not a key: use e.g. <Down>, <C-c>, <Esc>")
                })?,
        };
        Ok(key)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt => return write!(f, "{c}"),
            KeyCode::Char(c) => c.to_string(),
            code => NAMED
                .iter()
                .find(|(_, k)| *k == code)
                .map_or_else(String::new, |(n, _)| n.to_string()),
        };
        let ctrl = if self.ctrl { "C-" } else { "" };
        let alt = if self.alt { "A-" } else { "" };
        write!(f, "<{ctrl}{alt}{name}>")
    }
}

/// Where a binding applies.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scope {
    Global,
    Search,
    Reader,
}

macro_rules! actions {
    ($($variant:ident = $name:literal, $doc:literal;)+) => {
        /// Everything a key can do. Each has a stable name (for keymap files) and a one-line doc
        /// (for the help screen).
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub enum Action { $($variant),+ }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),+];
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),+ }
            }
            pub fn doc(self) -> &'static str {
                match self { $(Action::$variant => $doc),+ }
            }
        }
    };
}

actions! {
    Quit = "quit", "Leave Outpost";
    Back = "back", "Clear the search, leave the reader, or quit from an empty search";
    SelectNext = "select-next", "Select the next result";
    SelectPrev = "select-prev", "Select the previous result";
    Open = "open", "Read the selected article";
    ScrollDown = "scroll-down", "Scroll down one line";
    ScrollUp = "scroll-up", "Scroll up one line";
    PageDown = "page-down", "Move down one page";
    PageUp = "page-up", "Move up one page";
    Top = "top", "Go to the top";
    Bottom = "bottom", "Go to the bottom";
    CursorLeft = "cursor-left", "Move the cursor one character left";
    CursorRight = "cursor-right", "Move the cursor one character right";
    CursorHome = "cursor-home", "Move the cursor to the start of the search";
    CursorEnd = "cursor-end", "Move the cursor to the end of the search";
    DeleteBack = "delete-back", "Delete the character before the cursor";
    DeleteForward = "delete-forward", "Delete the character under the cursor";
    DeleteWord = "delete-word", "Delete the word before the cursor";
    ClearLine = "clear-line", "Clear the search";
}

/// The default bindings: scope, key string, action. In the search box, keys that type a
/// character are text unless the box is empty (so `q` quits only from an empty search).
pub const DEFAULT_BINDINGS: &[(Scope, &str, Action)] = &[
    (Scope::Global, "<C-c>", Action::Quit),
    (Scope::Search, "q", Action::Quit),
    (Scope::Search, "<Esc>", Action::Back),
    (Scope::Search, "<Down>", Action::SelectNext),
    (Scope::Search, "<C-n>", Action::SelectNext),
    (Scope::Search, "<Up>", Action::SelectPrev),
    (Scope::Search, "<C-p>", Action::SelectPrev),
    (Scope::Search, "<PageDown>", Action::PageDown),
    (Scope::Search, "<PageUp>", Action::PageUp),
    (Scope::Search, "<Enter>", Action::Open),
    (Scope::Search, "<Left>", Action::CursorLeft),
    (Scope::Search, "<Right>", Action::CursorRight),
    (Scope::Search, "<Home>", Action::CursorHome),
    (Scope::Search, "<C-a>", Action::CursorHome),
    (Scope::Search, "<End>", Action::CursorEnd),
    (Scope::Search, "<C-e>", Action::CursorEnd),
    (Scope::Search, "<Backspace>", Action::DeleteBack),
    (Scope::Search, "<Del>", Action::DeleteForward),
    (Scope::Search, "<C-w>", Action::DeleteWord),
    (Scope::Search, "<C-u>", Action::ClearLine),
    (Scope::Reader, "q", Action::Quit),
    (Scope::Reader, "<Esc>", Action::Back),
    (Scope::Reader, "<Down>", Action::ScrollDown),
    (Scope::Reader, "j", Action::ScrollDown),
    (Scope::Reader, "<Up>", Action::ScrollUp),
    (Scope::Reader, "k", Action::ScrollUp),
    (Scope::Reader, "<PageDown>", Action::PageDown),
    (Scope::Reader, "<Space>", Action::PageDown),
    (Scope::Reader, "<PageUp>", Action::PageUp),
    (Scope::Reader, "<Home>", Action::Top),
    (Scope::Reader, "g", Action::Top),
    (Scope::Reader, "<End>", Action::Bottom),
    (Scope::Reader, "G", Action::Bottom),
];

/// Key hints for the status line, per screen. Hand-grouped (`↑↓`) to stay short at 80 columns.
pub fn hints(scope: Scope) -> &'static [(&'static str, &'static str)] {
    match scope {
        Scope::Global | Scope::Search => &[
            ("Type", "to search"),
            ("↑↓", "select"),
            ("Enter", "open"),
            ("Esc", "back"),
            ("Ctrl-C/q", "quit"),
        ],
        Scope::Reader => &[
            ("↑↓/j/k", "scroll"),
            ("PgUp/PgDn", "page"),
            ("Esc", "back"),
            ("q", "quit"),
        ],
    }
}

/// Bindings resolved from key strings once, at start-up.
#[derive(Clone, Debug)]
pub struct Keymap {
    bindings: Vec<(Scope, Key, Action)>,
}

impl Keymap {
    /// Builds a keymap from `(scope, key string, action)` entries.
    pub fn from_table(table: &[(Scope, &str, Action)]) -> Result<Self, String> {
        let mut bindings = Vec::with_capacity(table.len());
        for (scope, keys, action) in table {
            match Key::parse_seq(keys)?.as_slice() {
                [key] => bindings.push((*scope, *key, *action)),
                _ => return Err(format!("`{keys}` is not a single key")),
            }
        }
        Ok(Keymap { bindings })
    }

    /// The action bound to `key` in `scope`; global bindings apply everywhere.
    pub fn resolve(&self, scope: Scope, key: Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(s, k, _)| *k == key && (*s == scope || *s == Scope::Global))
            .map(|(_, _, action)| *action)
    }
}

impl Default for Keymap {
    fn default() -> Self {
        // The default table is checked by a test, so an error here cannot reach a user.
        Keymap::from_table(DEFAULT_BINDINGS).unwrap_or(Keymap {
            bindings: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests;
