//! Named styles. Every meaning is carried by text or a modifier first (a `>` marker, `+`/`-` on
//! diff lines, "Error:" on messages, bold or reversed); colour only adds to it, so the interface
//! reads the same with `NO_COLOR` set, when every colour is dropped.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// One style as written in the config file: `{ fg = "yellow", bold = true }`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StyleSpec {
    pub fg: Option<String>,
    pub bg: Option<String>,
    pub bold: Option<bool>,
    pub dim: Option<bool>,
    pub italic: Option<bool>,
    pub underline: Option<bool>,
    pub reversed: Option<bool>,
}

/// The styles the views use.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub border: Style,
    pub focus: Style,
    pub title: Style,
    pub heading: Style,
    pub selected: Style,
    pub dim: Style,
    pub key: Style,
    pub link: Style,
    pub code: Style,
    pub added: Style,
    pub removed: Style,
    pub error: Style,
    pub chip: Style,
    pub emphasis: Style,
    pub strong: Style,
}

const SLOTS: &[&str] = &[
    "border", "focus", "title", "heading", "selected", "dim", "key", "link", "code", "added",
    "removed", "error", "chip", "emphasis", "strong",
];

impl Default for Theme {
    fn default() -> Self {
        let m = |m: Modifier| Style::new().add_modifier(m);
        Theme {
            border: Style::new(),
            focus: m(Modifier::BOLD).fg(Color::Cyan),
            title: m(Modifier::BOLD),
            heading: m(Modifier::BOLD | Modifier::UNDERLINED).fg(Color::Cyan),
            selected: m(Modifier::REVERSED),
            dim: m(Modifier::DIM),
            key: m(Modifier::BOLD),
            link: m(Modifier::UNDERLINED).fg(Color::Blue),
            code: Style::new().fg(Color::Yellow),
            added: Style::new().fg(Color::Green),
            removed: Style::new().fg(Color::Red),
            error: m(Modifier::BOLD).fg(Color::Red),
            chip: m(Modifier::REVERSED),
            emphasis: m(Modifier::ITALIC),
            strong: m(Modifier::BOLD),
        }
    }
}

impl Theme {
    /// The default theme with the user's overrides applied; every colour dropped when
    /// `no_color` (the `NO_COLOR` convention).
    pub fn new(overrides: &BTreeMap<String, StyleSpec>, no_color: bool) -> Result<Self, String> {
        let mut theme = Theme::default();
        for (name, spec) in overrides {
            let slot = theme.slot(name).ok_or_else(|| {
                format!(
                    "theme: unknown style `{name}`; use one of {}",
                    SLOTS.join(", ")
                )
            })?;
            *slot = apply(*slot, spec)?;
        }
        if no_color {
            for name in SLOTS {
                if let Some(slot) = theme.slot(name) {
                    slot.fg = None;
                    slot.bg = None;
                    slot.underline_color = None;
                }
            }
        }
        Ok(theme)
    }

    fn slot(&mut self, name: &str) -> Option<&mut Style> {
        Some(match name {
            "border" => &mut self.border,
            "focus" => &mut self.focus,
            "title" => &mut self.title,
            "heading" => &mut self.heading,
            "selected" => &mut self.selected,
            "dim" => &mut self.dim,
            "key" => &mut self.key,
            "link" => &mut self.link,
            "code" => &mut self.code,
            "added" => &mut self.added,
            "removed" => &mut self.removed,
            "error" => &mut self.error,
            "chip" => &mut self.chip,
            "emphasis" => &mut self.emphasis,
            "strong" => &mut self.strong,
            _ => return None,
        })
    }
}

fn apply(mut style: Style, spec: &StyleSpec) -> Result<Style, String> {
    if let Some(fg) = &spec.fg {
        style.fg = Some(color(fg)?);
    }
    if let Some(bg) = &spec.bg {
        style.bg = Some(color(bg)?);
    }
    for (flag, modifier) in [
        (spec.bold, Modifier::BOLD),
        (spec.dim, Modifier::DIM),
        (spec.italic, Modifier::ITALIC),
        (spec.underline, Modifier::UNDERLINED),
        (spec.reversed, Modifier::REVERSED),
    ] {
        match flag {
            Some(true) => style = style.add_modifier(modifier),
            Some(false) => style = style.remove_modifier(modifier),
            None => {}
        }
    }
    Ok(style)
}

fn color(s: &str) -> Result<Color, String> {
    s.parse::<Color>().map_err(|_| {
        format!("theme: `{s}` is not a colour; use a name (red, light-blue) or #rrggbb")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_drops_colours_but_keeps_modifiers() {
        let theme = Theme::new(&BTreeMap::new(), true).expect("theme");
        assert_eq!(theme.removed.fg, None);
        assert_eq!(theme.heading.fg, None);
        assert!(theme.selected.add_modifier.contains(Modifier::REVERSED));
        assert!(theme.heading.add_modifier.contains(Modifier::UNDERLINED));
    }

    #[test]
    fn overrides_change_one_style_and_bad_names_are_refused() {
        let mut overrides = BTreeMap::new();
        overrides.insert(
            "title".to_string(),
            StyleSpec {
                fg: Some("yellow".into()),
                underline: Some(true),
                ..Default::default()
            },
        );
        let theme = Theme::new(&overrides, false).expect("theme");
        assert_eq!(theme.title.fg, Some(Color::Yellow));
        assert!(
            theme
                .title
                .add_modifier
                .contains(Modifier::BOLD | Modifier::UNDERLINED)
        );
        overrides.insert("nope".into(), StyleSpec::default());
        assert!(Theme::new(&overrides, false).is_err());
        let mut bad = BTreeMap::new();
        bad.insert(
            "title".to_string(),
            StyleSpec {
                fg: Some("blurple".into()),
                ..Default::default()
            },
        );
        assert!(Theme::new(&bad, false).is_err());
    }
}
