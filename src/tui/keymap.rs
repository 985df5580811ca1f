//! Keys and what they do: our own `Key` type (so nothing past `tui.rs` sees crossterm), named
//! actions, and the bindings as data — `assets/keymap.toml`, with the user's own bindings from
//! the config file put in front. The help overlay, the palette and the status-line hints are all
//! generated from the same table that resolves keys, so they cannot drift apart.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

/// The shipped bindings.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

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
    BackTab,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// Names of special keys in key strings (`<Down>`), matched case-insensitively, and their label
/// on screen. The first name of a key is the one it displays as.
const NAMED: &[(&str, KeyCode, &str)] = &[
    ("enter", KeyCode::Enter, "Enter"),
    ("ret", KeyCode::Enter, "Enter"),
    ("esc", KeyCode::Esc, "Esc"),
    ("bs", KeyCode::Backspace, "Bksp"),
    ("backspace", KeyCode::Backspace, "Bksp"),
    ("del", KeyCode::Delete, "Del"),
    ("tab", KeyCode::Tab, "Tab"),
    ("backtab", KeyCode::BackTab, "Shift-Tab"),
    ("s-tab", KeyCode::BackTab, "Shift-Tab"),
    ("space", KeyCode::Char(' '), "Space"),
    ("up", KeyCode::Up, "↑"),
    ("down", KeyCode::Down, "↓"),
    ("left", KeyCode::Left, "←"),
    ("right", KeyCode::Right, "→"),
    ("home", KeyCode::Home, "Home"),
    ("end", KeyCode::End, "End"),
    ("pageup", KeyCode::PageUp, "PgUp"),
    ("pgup", KeyCode::PageUp, "PgUp"),
    ("pagedown", KeyCode::PageDown, "PgDn"),
    ("pgdn", KeyCode::PageDown, "PgDn"),
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

    /// Parses a key string as in the keymap and in tests: `q`, `<Down>`, `<C-c>`, `<A-l>`,
    /// `<F1>`, and sequences such as `timber<Down><Enter>`.
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

    /// Parses exactly one key.
    pub fn parse(s: &str) -> Result<Key, String> {
        match Self::parse_seq(s)?.as_slice() {
            [key] => Ok(*key),
            _ => Err(format!("`{s}` is not a single key")),
        }
    }

    fn parse_bracketed(inner: &str) -> Result<Key, String> {
        let mut key = Key::new(KeyCode::Esc);
        let mut name = inner;
        if let Some(named) = NAMED.iter().find(|(n, ..)| n.eq_ignore_ascii_case(name)) {
            key.code = named.1;
            return Ok(key);
        }
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
            _ => match name
                .strip_prefix(['F', 'f'])
                .and_then(|n| n.parse::<u8>().ok())
            {
                Some(n) if (1..=12).contains(&n) => KeyCode::F(n),
                _ => NAMED
                    .iter()
                    .find(|(n, ..)| n.eq_ignore_ascii_case(name))
                    .map(|(_, code, _)| *code)
                    .ok_or_else(|| {
                        format!("`<{inner}>` is not a key: use e.g. <Down>, <C-c>, <Esc>, <F1>")
                    })?,
            },
        };
        Ok(key)
    }

    /// How the key is shown to people: `Ctrl-S`, `Alt-L`, `↓`, `Enter`, `q`.
    pub fn label(self) -> String {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.ctrl || self.alt => c.to_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            code => NAMED
                .iter()
                .find(|(_, k, _)| *k == code)
                .map_or_else(String::new, |(.., label)| label.to_string()),
        };
        let ctrl = if self.ctrl { "Ctrl-" } else { "" };
        let alt = if self.alt { "Alt-" } else { "" };
        format!("{ctrl}{alt}{name}")
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt && c != ' ' => return write!(f, "{c}"),
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            code => NAMED
                .iter()
                .find(|(_, k, _)| *k == code)
                .map_or_else(String::new, |(n, ..)| n.to_string()),
        };
        let ctrl = if self.ctrl { "C-" } else { "" };
        let alt = if self.alt { "A-" } else { "" };
        write!(f, "<{ctrl}{alt}{name}>")
    }
}

macro_rules! scopes {
    ($($variant:ident = $name:literal, $typing:literal;)+) => {
        /// Where a binding applies: one per screen or focus. In a *typing* scope, keys that type
        /// a character are text unless the scope itself binds them.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
        pub enum Scope { $($variant),+ }

        impl Scope {
            pub const ALL: &'static [Scope] = &[$(Scope::$variant),+];
            pub fn name(self) -> &'static str {
                match self { $(Scope::$variant => $name),+ }
            }
            pub fn typing(self) -> bool {
                match self { $(Scope::$variant => $typing),+ }
            }
            pub fn from_name(name: &str) -> Option<Scope> {
                Self::ALL.iter().copied().find(|s| s.name() == name)
            }
        }
    };
}

scopes! {
    Global = "global", false;
    Home = "home", false;
    SearchInput = "search-input", true;
    SearchList = "search-list", false;
    Reader = "reader", false;
    Editor = "editor", true;
    Map = "map", false;
    Sync = "sync", true;
    Glossary = "glossary", false;
    Communities = "communities", false;
    Mileage = "mileage", false;
    Statistics = "statistics", false;
    Review = "review", false;
    Users = "users", false;
    Market = "market", false;
    Overlay = "overlay", true;
    Help = "help", false;
}

macro_rules! actions {
    ($($variant:ident = $name:literal;)+) => {
        /// Everything a key can do. Each has a stable name (keymap files, the palette); its
        /// one-line description is `action.NAME.doc` in the interface catalogues.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
        pub enum Action { $($variant),+ }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),+];
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),+ }
            }
            pub fn from_name(name: &str) -> Option<Action> {
                Self::ALL.iter().copied().find(|a| a.name() == name)
            }
        }
    };
}

actions! {
    Quit = "quit";
    Back = "back";
    Help = "help";
    Palette = "palette";
    Search = "search";
    Home = "home";
    Map = "map";
    Sync = "sync";
    NewArticle = "new-article";
    Down = "down";
    Up = "up";
    PageDown = "page-down";
    PageUp = "page-up";
    Top = "top";
    Bottom = "bottom";
    Open = "open";
    FocusResults = "focus-results";
    FocusInput = "focus-input";
    CursorLeft = "cursor-left";
    CursorRight = "cursor-right";
    CursorHome = "cursor-home";
    CursorEnd = "cursor-end";
    DeleteBack = "delete-back";
    DeleteForward = "delete-forward";
    DeleteWord = "delete-word";
    ClearLine = "clear-line";
    FilterCategory = "filter-category";
    FilterHs = "filter-hs";
    FilterLang = "filter-lang";
    FilterKind = "filter-kind";
    ClearFilters = "clear-filters";
    NextLink = "next-link";
    PrevLink = "prev-link";
    PaneArticle = "pane-article";
    PaneLinks = "pane-links";
    PaneHistory = "pane-history";
    NextPane = "next-pane";
    MarkRevision = "mark-revision";
    EditArticle = "edit-article";
    NextField = "next-field";
    PrevField = "prev-field";
    Confirm = "confirm";
    Save = "save";
    ExternalEditor = "external-editor";
    Expand = "expand";
    Collapse = "collapse";
    HsLookup = "hs-lookup";
    ResolveConflict = "resolve-conflict";
    NextPeer = "next-peer";
    PrevPeer = "prev-peer";
    SwitchUser = "switch-user";
    SetPassword = "set-password";
    Glossary = "glossary";
    ToggleGlossary = "toggle-glossary";
    Communities = "communities";
    Mileage = "mileage";
    Statistics = "statistics";
    Review = "review";
    Approve = "approve";
    ReturnSubmission = "return-submission";
    Reject = "reject";
    MoveCategory = "move-category";
    Submit = "submit";
    Users = "users";
    Attach = "attach";
    Market = "market";
    NextList = "next-list";
    AnswerQuestion = "answer";
    CommentQuestion = "comment";
    AcceptAnswer = "accept-answer";
    Helpful = "helpful";
}

/// One entry of a keymap file: `{ on = "<C-s>", run = "save" }`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindingEntry {
    pub on: String,
    pub run: String,
}

/// A keymap file: a table per scope with a `keymap` list, as in `assets/keymap.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct KeymapFile(pub BTreeMap<String, ScopeEntries>);

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeEntries {
    pub keymap: Vec<BindingEntry>,
}

/// Bindings resolved from key strings once, at start-up; earlier entries win.
#[derive(Clone, Debug)]
pub struct Keymap {
    bindings: Vec<(Scope, Key, Action)>,
}

impl Keymap {
    /// Builds a keymap from the user's file (may be empty) in front of the shipped one.
    pub fn load(user: &KeymapFile) -> Result<Self, String> {
        let shipped: KeymapFile = toml::from_str(DEFAULT_KEYMAP)
            .map_err(|e| format!("assets/keymap.toml does not parse: {e}"))?;
        let mut bindings = Self::entries(user)?;
        bindings.extend(Self::entries(&shipped)?);
        Ok(Keymap { bindings })
    }

    fn entries(file: &KeymapFile) -> Result<Vec<(Scope, Key, Action)>, String> {
        let mut out = Vec::new();
        for (scope_name, entries) in &file.0 {
            let scope = Scope::from_name(scope_name).ok_or_else(|| {
                let names: Vec<&str> = Scope::ALL.iter().map(|s| s.name()).collect();
                format!(
                    "keymap: unknown screen `{scope_name}`; use one of {}",
                    names.join(", ")
                )
            })?;
            for entry in &entries.keymap {
                let key =
                    Key::parse(&entry.on).map_err(|e| format!("keymap [{scope_name}]: {e}"))?;
                let action = Action::from_name(&entry.run).ok_or_else(|| {
                    format!(
                        "keymap [{scope_name}]: `{}` is not an action (see the palette, `:`)",
                        entry.run
                    )
                })?;
                out.push((scope, key, action));
            }
        }
        Ok(out)
    }

    /// The action bound to `key` in `scope`, else a global binding — except that in a typing
    /// scope a global binding on a printable key (`q`, `/`) gives way to the text.
    pub fn resolve(&self, scope: Scope, key: Key) -> Option<Action> {
        let in_scope = |s: Scope| {
            self.bindings
                .iter()
                .find(|(bs, k, _)| *bs == s && *k == key)
                .map(|(.., a)| *a)
        };
        in_scope(scope).or_else(|| {
            if scope.typing() && key.typed_char().is_some() {
                None
            } else {
                in_scope(Scope::Global)
            }
        })
    }

    /// The bindings the help overlay shows for `scope`: each action with all its keys, the
    /// scope's own first, then the global ones that apply there.
    pub fn help(&self, scope: Scope) -> Vec<(Action, Vec<Key>)> {
        let mut out: Vec<(Action, Vec<Key>)> = Vec::new();
        for s in [scope, Scope::Global] {
            for (bs, key, action) in &self.bindings {
                if *bs != s || self.resolve(scope, *key) != Some(*action) {
                    continue; // shadowed by another binding, or a printable global while typing
                }
                match out.iter_mut().find(|(a, _)| a == action) {
                    Some((_, keys)) if !keys.contains(key) => keys.push(*key),
                    Some(_) => {}
                    None => out.push((*action, vec![*key])),
                }
            }
        }
        out
    }

    /// The first key that runs `action` in `scope`, for hints.
    pub fn key_for(&self, scope: Scope, action: Action) -> Option<Key> {
        self.help(scope)
            .into_iter()
            .find(|(a, _)| *a == action)
            .and_then(|(_, keys)| keys.first().copied())
    }
}

impl Default for Keymap {
    fn default() -> Self {
        // The shipped table is checked by a test, so an error here cannot reach a user.
        Keymap::load(&KeymapFile::default()).unwrap_or(Keymap {
            bindings: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests;
