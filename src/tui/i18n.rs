//! Interface text in English and Thai, from `assets/i18n/en.toml` and `th.toml` (compiled in).
//! Keys are dotted paths (`home.title`); a value may hold `{name}` placeholders. A key missing
//! from Thai falls back to English, and one missing from both shows as `⟨?⟩`, so a gap
//! is visible but never fatal. A test checks both catalogues have the same keys.

use std::collections::BTreeMap;

pub const EN: &str = include_str!("../../assets/i18n/en.toml");
pub const TH: &str = include_str!("../../assets/i18n/th.toml");

/// Shown for a key that no catalogue has: visible, never fatal.
pub const MISSING: &str = "⟨?⟩";

/// The interface languages.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum UiLang {
    #[default]
    En,
    Th,
}

impl UiLang {
    pub const ALL: &'static [UiLang] = &[UiLang::En, UiLang::Th];

    /// Parses `en`, `th`, `th_TH.UTF-8`, `en-GB` …; anything else is `None`.
    pub fn parse(s: &str) -> Option<UiLang> {
        let lower = s.trim().to_ascii_lowercase();
        let base = lower.split(['_', '-', '.', '@']).next().unwrap_or_default();
        match base {
            "en" | "c" | "posix" => Some(UiLang::En),
            "th" => Some(UiLang::Th),
            _ => None,
        }
    }

    /// `--lang` (passed in), else `OUTPOST_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`,
    /// `LANG`), else English. `env` reads a variable (the process environment in the binary).
    pub fn choose(flag: Option<UiLang>, env: &dyn Fn(&str) -> Option<String>) -> UiLang {
        if let Some(lang) = flag {
            return lang;
        }
        for var in ["OUTPOST_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(value) = env(var).filter(|v| !v.is_empty()) {
                return UiLang::parse(&value).unwrap_or_default();
            }
        }
        UiLang::En
    }

    pub fn code(self) -> &'static str {
        match self {
            UiLang::En => "en",
            UiLang::Th => "th",
        }
    }
}

/// A parsed catalogue: dotted key → text.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub lang: UiLang,
    strings: BTreeMap<String, String>,
    fallback: BTreeMap<String, String>,
}

impl Catalog {
    pub fn new(lang: UiLang) -> Self {
        let en = flatten_text(EN).unwrap_or_default();
        let strings = match lang {
            UiLang::En => en.clone(),
            UiLang::Th => flatten_text(TH).unwrap_or_default(),
        };
        Catalog {
            lang,
            strings,
            fallback: en,
        }
    }

    /// The text for `key`; `MISSING` for a key no catalogue has.
    pub fn t(&self, key: &str) -> &str {
        self.strings
            .get(key)
            .or_else(|| self.fallback.get(key))
            .map_or(MISSING, String::as_str)
    }

    /// The text for `key` with `{name}` placeholders filled in.
    pub fn f(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }

    /// The text for a count: `KEY.one` when `n` is 1, else `KEY.other` (a language without
    /// plurals gives both the same text), with `{n}` and the other placeholders filled in.
    pub fn plural(&self, key: &str, n: u64, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let form = if n == 1 { "one" } else { "other" };
        let mut all: Vec<(&str, &dyn std::fmt::Display)> = vec![("n", &n)];
        all.extend_from_slice(args);
        self.f(&format!("{key}.{form}"), &all)
    }

    /// Every key of the catalogue (for tests).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.strings.keys().map(String::as_str)
    }
}

/// Parses a catalogue file into dotted keys.
pub fn flatten_text(text: &str) -> Result<BTreeMap<String, String>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    flatten(&table, "", &mut out)?;
    Ok(out)
}

fn flatten(
    table: &toml::Table,
    prefix: &str,
    out: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(s) => {
                out.insert(path, s.clone());
            }
            toml::Value::Table(t) => flatten(t, &path, out)?,
            _ => return Err(format!("`{path}` must be text or a table")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::Action;

    #[test]
    fn both_catalogues_parse_and_have_the_same_keys() {
        let en = flatten_text(EN).expect("en.toml parses");
        let th = flatten_text(TH).expect("th.toml parses");
        let missing_th: Vec<&String> = en.keys().filter(|k| !th.contains_key(*k)).collect();
        let missing_en: Vec<&String> = th.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(
            missing_th.is_empty(),
            "missing from th.toml: {missing_th:?}"
        );
        assert!(
            missing_en.is_empty(),
            "missing from en.toml: {missing_en:?}"
        );
        // The same placeholders on both sides, or a value would be left out in one language.
        for (key, text) in &en {
            let holes = |s: &str| {
                let mut v: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(h, _)| h.to_string()))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(holes(text), holes(&th[key]), "placeholders of `{key}`");
        }
    }

    #[test]
    fn every_action_is_described_in_the_catalogue() {
        let en = flatten_text(EN).expect("en.toml parses");
        for action in Action::ALL {
            for part in ["doc", "short"] {
                let key = format!("action.{}.{part}", action.name());
                assert!(en.contains_key(&key), "missing {key}");
            }
        }
    }

    /// Every message the interface shows comes from the catalogues: no text literal is handed
    /// straight to the status line (`state.info("…")`, `state.error(format!("…"))`,
    /// `Msg::Failed("…")`) in the state machine, the screens' data or the drawing.
    #[test]
    fn no_message_is_written_in_the_code() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
        let mut files = Vec::new();
        let mut dirs = vec![
            root.clone(),
            root.join("update"),
            root.join("state"),
            root.join("view"),
        ];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("src/tui is readable") {
                let path = entry.expect("entry").path();
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                let skip = name.starts_with("tests") || name == "fixtures.rs";
                if path.extension().is_some_and(|e| e == "rs") && !skip {
                    files.push(path);
                }
            }
        }
        files.retain(|p| !p.ends_with("bench.rs"));
        let calls = [
            ".info(",
            ".error(",
            "Msg::Info(",
            "Msg::Failed(",
            "Message {",
            "Error::invalid(",
            "lines.push(",
        ];
        let mut found = Vec::new();
        for path in &files {
            let text = std::fs::read_to_string(path).expect("source is readable");
            // A file's own unit tests may say what they like.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                for call in calls {
                    if let Some(at) = line.find(call) {
                        let rest = line[at + call.len()..].trim_start();
                        if rest.starts_with('"') || rest.starts_with("format!(\"") {
                            found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
        assert!(files.len() > 10, "the scan found the sources: {files:?}");
        assert!(found.is_empty(), "messages written in the code: {found:#?}");
    }

    #[test]
    fn a_count_of_one_takes_the_singular() {
        let en = Catalog::new(UiLang::En);
        let one = en.plural("home.outbox_local", 1, &[]);
        let two = en.plural("home.outbox_local", 2, &[]);
        assert!(one.starts_with("1 change recorded"), "{one}");
        assert!(two.starts_with("2 changes recorded"), "{two}");
        let th = Catalog::new(UiLang::Th);
        assert!(th.plural("home.outbox_local", 1, &[]).contains('1'));
    }

    #[test]
    fn the_language_comes_from_the_flag_then_the_environment() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            UiLang::choose(Some(UiLang::Th), &env(&[("LANG", "en_GB.UTF-8")])),
            UiLang::Th
        );
        assert_eq!(
            UiLang::choose(None, &env(&[("LANG", "th_TH.UTF-8")])),
            UiLang::Th
        );
        assert_eq!(
            UiLang::choose(
                None,
                &env(&[("OUTPOST_LANG", "en"), ("LANG", "th_TH.UTF-8")])
            ),
            UiLang::En
        );
        assert_eq!(
            UiLang::choose(None, &env(&[("LANG", "de_DE.UTF-8")])),
            UiLang::En
        );
        let th = Catalog::new(UiLang::Th);
        assert_ne!(th.t("home.title"), Catalog::new(UiLang::En).t("home.title"));
        assert_eq!(th.t("no.such.key"), MISSING);
    }
}
