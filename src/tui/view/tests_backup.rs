//! The daily backup as the interface runs it: configured, the start hands it to the effects,
//! which write a backup into the directory; the Sync screen then says when the last one was
//! made, in English and in Thai, and a failure is said in words.

use super::tests::{render, rows};
use crate::tui::effects::settle;
use crate::tui::i18n::UiLang;
use crate::tui::state::Screen;
use crate::tui::state::fixtures::{context, demo_replica, press, started};
use crate::tui::update::{Effect, Msg, update};

#[test]
fn a_configured_daily_backup_runs_at_start_and_the_sync_screen_says_when() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("backups");
    let mut replica = demo_replica();
    for (lang, says) in [
        (UiLang::En, "Last backup: "),
        (UiLang::Th, "สำรองข้อมูลล่าสุด: "),
    ] {
        let ctx = context(&replica).with_catalog(crate::tui::i18n::Catalog::new(lang));
        let mut state = started(&mut replica, &ctx, 100, 30, lang);
        // Off unless configured: the start asks for no backup.
        assert!(state.sync.last_backup.is_none());
        let mut probe = state.clone();
        let effects = update(&mut probe, Msg::Start);
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, Effect::AutoBackup { .. }))
        );

        state.sync.auto_backup = Some((dir.display().to_string(), 2));
        settle(&mut replica, &ctx, &mut state, Msg::Start);
        let line = state.sync.last_backup.clone().expect("the backup looked");
        assert!(line.starts_with(says), "{line}");
        let made: Vec<_> = std::fs::read_dir(&dir).expect("dir").flatten().collect();
        // One backup a day: the second start (Thai) finds the English one fresh.
        assert_eq!(made.len(), 1);
        let name = made[0].file_name().to_string_lossy().to_string();
        assert!(line.contains(&name), "{line}");

        press(&mut replica, &ctx, &mut state, "S");
        assert_eq!(state.screen, Screen::Sync);
        let text = rows(&render(&state)).join("\n");
        assert!(text.contains(says.trim()), "{text}");
    }
}

#[test]
fn a_daily_backup_that_cannot_be_written_says_why() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A file where the directory should be.
    let blocked = tmp.path().join("not-a-dir");
    std::fs::write(&blocked, "x").expect("write");
    let mut replica = demo_replica();
    let ctx = context(&replica);
    let mut state = started(&mut replica, &ctx, 80, 24, UiLang::En);
    state.sync.auto_backup = Some((blocked.display().to_string(), 7));
    settle(&mut replica, &ctx, &mut state, Msg::Start);
    let line = state.sync.last_backup.clone().expect("the backup looked");
    assert!(line.starts_with("Automatic backup failed: "), "{line}");
    assert!(state.message.is_some(), "and the status line says so");
}
