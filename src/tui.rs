//! The terminal face, and the only code that touches crossterm. It owns the terminal (raw mode
//! and alternate screen, restored on quit, on error and — through ratatui's hook — on panic) and
//! runs a synchronous loop: an input thread and the worker (`worker`) send `Msg`s over one
//! channel; the loop feeds them to `update` and hands out the `Effect`s it returns. Reads are
//! answered at once from the loop's own read-only handle on the node; writes and long work
//! (saves, exports, imports) go to the worker, which owns the node's `Replica` and posts their
//! results and progress back as `Msg`s. The loop draws once nothing is left to do, so the
//! screen moves and redraws while an import runs.
//!
//! Search-as-you-type is debounced here: a search waits `DEBOUNCE` for the next key, and a newer
//! search replaces a waiting one, so fast typing runs one search per pause and every key is drawn
//! at once. `$EDITOR` runs with the terminal handed back and the input thread stopped.
//!
//! The submodules are plain data and pure functions: `state` (what is shown), `update` (the state
//! machine), `view` (drawing), `keymap` (keys to named actions), `i18n` (English and Thai text),
//! `theme`, `config` (the user's file), `input`/`textarea` (grapheme-aware editing), `markdown`
//! (layout by display width, Thai broken between words), `effects` (the IO), `worker` (the
//! thread that owns the node), `bench` (figures for the harness).

pub mod bench;
pub mod config;
pub mod effects;
pub mod i18n;
pub mod input;
pub mod keymap;
pub mod markdown;
pub mod picture;
mod signin_loop;
pub mod state;
pub mod textarea;
pub mod theme;
pub mod update;
pub mod view;
pub mod worker;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};
use ratatui::DefaultTerminal;

use self::effects::Context;
use self::i18n::{Catalog, UiLang};
use self::keymap::{Key, KeyCode, Keymap};
use self::state::State;
use self::theme::Theme;
use self::update::{Effect, Msg, update};
use self::worker::Worker;
use crate::core::Replica;
use crate::error::{Error, Result};
use crate::model::User;

/// How long a search waits for the next key.
const DEBOUNCE: Duration = Duration::from_millis(25);
/// How often the input thread checks whether it should stop.
const INPUT_POLL: Duration = Duration::from_millis(50);
/// How often the interface looks whether the node changed (another process may write to it).
const WATCH: Duration = Duration::from_millis(500);

/// Runs the interface until the user quits. `user` writes and sees their drafts; `lang` is the
/// `--lang` flag (else `OUTPOST_LANG`, else the locale).
pub fn run(replica: &mut Replica, user: Option<User>, lang: Option<UiLang>) -> Result<()> {
    let config_dir = config::config_dir();
    let (mut state, problems, idle) = initial_state(config_dir.as_deref(), lang);
    state.user = user.as_ref().map(|u| u.name.clone());
    state.now_millis = replica.now_millis();
    let node = replica.node_id().to_string();
    let remembered = |d| config::sync_path(config_dir.as_deref(), &node, d);
    if let Some(path) = remembered(config::Direction::Export) {
        state.sync.export_path = input::LineInput::new(&path);
    }
    if let Some(path) = remembered(config::Direction::Import) {
        state.sync.import_path = input::LineInput::new(&path);
    }
    if let Some(problem) = problems {
        state.error(problem);
    }
    let (mut user, idle) = signin_loop::prepare(replica, &mut state, user, idle)?;
    // `try_init` also installs the panic hook that restores the terminal: the one place for it.
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(e) => {
            ratatui::restore(); // raw mode may be on even though the alternate screen failed
            return Err(Error::io("terminal", e));
        }
    };
    // Asked once, in the alternate screen and before any thread reads keys (the terminal
    // answers on standard input); a terminal that does not answer gets half-blocks.
    let pictures = picture::Pictures::new(picture::detect());
    // Sign-in, a session, and back to sign-in when the screen locks, until the user quits.
    let result = loop {
        if state.signin.is_some() {
            match signin_loop::sign_in(&mut terminal, replica, &mut state, user.clone()) {
                Ok(Some(signed)) => user = Some(signed),
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        }
        match session(
            &mut terminal,
            replica,
            user.clone(),
            &config_dir,
            &mut state,
            idle,
            &pictures,
        ) {
            Ok(true) => continue,
            Ok(false) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    let restored = ratatui::try_restore().map_err(|e| Error::io("terminal", e));
    result.and(restored)
}

/// One signed-in session: the worker, the loop's reader and the event loop. `Ok(true)` when
/// the screen locked (switch user, idle), `Ok(false)` when the user quit.
fn session(
    terminal: &mut DefaultTerminal,
    replica: &mut Replica,
    user: Option<User>,
    config_dir: &Option<PathBuf>,
    state: &mut State,
    idle: Option<Duration>,
    pictures: &picture::Pictures,
) -> Result<bool> {
    let ctx = Context::new(replica, user, config_dir.clone())
        .with_catalog(state.i18n.clone())
        .with_pictures(pictures.clone());
    // Both handles read as the person at the keyboard (`effects::perform_job` sets it again
    // before every effect, so a change of user reaches them).
    replica.set_clearance(ctx.clearance());
    let dir = replica.data_dir().map(|d| d.path().to_path_buf());
    // The loop's own handle for reads, beside the worker's; without one the worker reads too.
    let reader = replica
        .data_dir()
        .and_then(|dir| Replica::open_read_only(dir).ok())
        .map(|mut reader| {
            reader.set_clearance(ctx.clearance());
            reader
        });
    thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        let mut worker = Worker::spawn(scope, replica, &ctx, tx.clone())
            .map_err(|e| Error::io("cannot start the interface's worker", e))?;
        let mut face = Face {
            terminal,
            reader,
            worker: &mut worker,
            ctx: &ctx,
            dir,
            changed: false,
            idle,
        };
        let result = face.event_loop(state, &tx, &rx);
        // A save handed over is finished; long work stops at its next safe point.
        worker.stop();
        result
    })
}

/// The state at start-up; a broken config file is reported, and the defaults used.
fn initial_state(
    config_dir: Option<&std::path::Path>,
    lang: Option<UiLang>,
) -> (State, Option<String>, Option<Duration>) {
    let env = |name: &str| std::env::var(name).ok();
    let i18n = Catalog::new(UiLang::choose(lang, &env));
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut problem = None;
    let config = config::Config::load(config_dir).unwrap_or_else(|e| {
        problem = Some(e);
        config::Config::default()
    });
    let keymap = Keymap::load(&config.keymap_file()).unwrap_or_else(|e| {
        problem = Some(e);
        Keymap::default()
    });
    let theme = Theme::new(&config.theme, no_color).unwrap_or_else(|e| {
        problem = Some(e);
        Theme::new(&Default::default(), no_color).unwrap_or_default()
    });
    let (width, height) = crossterm::terminal::size().unwrap_or((80, 24));
    let idle = config.idle_lock();
    let mut state = State::with(width, height, i18n, keymap, theme);
    state.sync.auto_backup = config
        .backup
        .dir
        .map(|dir| (dir.display().to_string(), config.backup.keep));
    (state, problem, idle)
}

type Input = (Arc<AtomicBool>, thread::JoinHandle<()>);

/// What the event loop works with.
struct Face<'a, 'scope> {
    terminal: &'a mut DefaultTerminal,
    /// A read-only handle on the node for the reads the loop answers itself.
    reader: Option<Replica>,
    worker: &'a mut Worker<'scope>,
    ctx: &'a Context,
    /// The node's data directory, where `$EDITOR`'s file goes.
    dir: Option<PathBuf>,
    /// The reader picked up a change the screen has not been read again for.
    changed: bool,
    /// Without a key for this long, the screen locks (`None`: never).
    idle: Option<Duration>,
}

impl Face<'_, '_> {
    fn event_loop(
        &mut self,
        state: &mut State,
        tx: &mpsc::Sender<io::Result<Msg>>,
        rx: &mpsc::Receiver<io::Result<Msg>>,
    ) -> Result<bool> {
        let mut input = spawn_input(tx.clone());
        let mut msgs = vec![Msg::Start];
        let mut waiting: Option<(Effect, Instant)> = None;
        let mut next_watch = Instant::now() + WATCH;
        let mut last_key = Instant::now();
        let result = loop {
            if msgs
                .iter()
                .any(|m| matches!(m, Msg::Key(_) | Msg::Paste(_) | Msg::Wheel(_)))
            {
                last_key = Instant::now();
            }
            let mut effects: Vec<Effect> =
                msgs.drain(..).flat_map(|msg| update(state, msg)).collect();
            let mut quit = false;
            let mut locked = false;
            // Reads lead to more (results → load the first preview); settle them all.
            while !effects.is_empty() {
                let mut next = Vec::new();
                for effect in coalesce(effects) {
                    match effect {
                        Effect::Quit => quit = true,
                        Effect::Lock => locked = true,
                        Effect::Cancel => self.worker.cancel(),
                        Effect::Search { .. } => {
                            waiting = Some((effect, Instant::now() + DEBOUNCE));
                        }
                        Effect::ExternalEditor(text) => {
                            stop_input(input);
                            let msg = external_editor(self.terminal, self.dir.as_deref(), &text);
                            input = spawn_input(tx.clone());
                            next.extend(update(state, msg));
                        }
                        other => {
                            if let Some(msg) = self.perform(other) {
                                next.extend(update(state, msg));
                            }
                        }
                    }
                }
                effects = next;
            }
            if quit || locked {
                break Ok(locked);
            }
            if let Err(e) = self.terminal.draw(|frame| view::draw(frame, state)) {
                break Err(Error::io("terminal", e));
            }
            // Wait for input or the worker; a waiting search runs when the typing pauses, and
            // every `WATCH` the node is looked at for changes made by other processes.
            let lock_at = self.idle.map(|idle| last_key + idle);
            let wake = match &waiting {
                Some((_, at)) => (*at).min(next_watch),
                None => next_watch,
            };
            let wake = lock_at.map_or(wake, |at| at.min(wake));
            let received = rx.recv_timeout(wake.saturating_duration_since(Instant::now()));
            match received {
                Ok(Ok(msg)) => msgs.push(msg),
                Ok(Err(e)) => break Err(Error::io("terminal input", e)),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if waiting
                        .as_ref()
                        .is_some_and(|(_, at)| *at <= Instant::now())
                        && let Some((search, _)) = waiting.take()
                    {
                        msgs.extend(self.perform(search));
                    }
                    if next_watch <= Instant::now() {
                        next_watch = Instant::now() + WATCH;
                        msgs.extend(self.watch());
                    }
                    if lock_at.is_some_and(|at| at <= Instant::now()) {
                        // Busy work (an import) is not interrupted: the lock waits for it.
                        last_key = Instant::now();
                        msgs.push(Msg::Idle);
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    break Err(Error::io(
                        "terminal input",
                        io::Error::other("the input thread stopped"),
                    ));
                }
            }
            while let Ok(msg) = rx.try_recv() {
                match msg {
                    Ok(msg) => msgs.push(msg),
                    Err(e) => return finish(input, Err(Error::io("terminal input", e))),
                }
            }
        };
        finish(input, result)
    }

    /// Answers a read from the loop's own handle, at once; hands anything else (and every
    /// read, when there is no handle of its own) to the worker, whose answer comes as a `Msg`.
    fn perform(&mut self, effect: Effect) -> Option<Msg> {
        match self.reader.as_mut() {
            Some(reader) if !worker::on_the_worker(&effect) => {
                // What the worker committed (a save) must be found by the read that follows it.
                self.changed |= reader.refresh().unwrap_or(false);
                effects::perform(reader, self.ctx, effect)
            }
            _ => {
                self.worker.perform(effect);
                None
            }
        }
    }

    /// Whether the node changed since the screen was last read: the worker's commits and
    /// those of other processes alike.
    fn watch(&mut self) -> Option<Msg> {
        let Some(reader) = self.reader.as_mut() else {
            self.worker.refresh();
            return None;
        };
        let changed = reader.refresh().unwrap_or(false) | std::mem::take(&mut self.changed);
        changed.then_some(Msg::ChangedElsewhere)
    }
}

/// Stops the input thread before the terminal is restored, so it cannot swallow a key typed
/// into the shell afterwards.
fn finish<T>(input: Input, result: Result<T>) -> Result<T> {
    stop_input(input);
    result
}

fn stop_input((stop, handle): Input) {
    stop.store(true, Ordering::Relaxed);
    let _ = handle.join();
}

/// Reads terminal events until stopped or the loop hangs up. A read error is sent on and ends
/// the thread: without input the interface cannot go on.
fn spawn_input(tx: mpsc::Sender<io::Result<Msg>>) -> Input {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let handle = thread::spawn(move || {
        while !flag.load(Ordering::Relaxed) {
            let event = match event::poll(INPUT_POLL) {
                Ok(false) => continue,
                Ok(true) => event::read(),
                Err(e) => Err(e),
            };
            let msg = match event {
                Ok(event) => match to_msg(event) {
                    Some(msg) => Ok(msg),
                    None => continue,
                },
                Err(e) => Err(e),
            };
            let failed = msg.is_err();
            if tx.send(msg).is_err() || failed {
                return;
            }
        }
    });
    (stop, handle)
}

/// Writes `text` to a new private file, runs `$VISUAL`/`$EDITOR` (else `vi`) on it with the
/// terminal handed back, and reads it again. `dir` is the node's data directory, if it has one.
fn external_editor(terminal: &mut DefaultTerminal, dir: Option<&Path>, text: &str) -> Msg {
    let file = match editor_file(dir, text) {
        Ok(file) => file,
        Err(e) => return Msg::Failed(format!("cannot make a file for the editor: {e}")),
    };
    let path = file.path();
    let command = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_string());
    let mut words = command.split_whitespace();
    let program = words.next().unwrap_or("vi").to_string();
    ratatui::restore();
    let status = std::process::Command::new(&program)
        .args(words)
        .arg(path)
        .status();
    *terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => return Msg::Failed(format!("cannot take the terminal back: {e}")),
    };
    let _ = terminal.clear();
    // Dropping `file` afterwards removes it.
    match status {
        Ok(s) if s.success() => match read_edited(path) {
            Ok(body) => Msg::BodyEdited(body),
            Err(e) => Msg::Failed(e),
        },
        Ok(s) => Msg::Failed(format!("{program} ended with {s}; the body is unchanged")),
        Err(e) => Msg::Failed(format!(
            "cannot start `{program}` ({e}): set EDITOR to your editor"
        )),
    }
}

/// The file the editor works on: a new file under a random name (created exclusively, so
/// nothing planted at a name — a symlink, a file of another user — is ever followed), readable
/// by this user only, in the data directory, or the system's temporary directory for a node
/// kept in memory.
fn editor_file(dir: Option<&Path>, text: &str) -> io::Result<tempfile::NamedTempFile> {
    let temp = std::env::temp_dir();
    let mut file = tempfile::Builder::new()
        .prefix("outpost-body-")
        .suffix(".md")
        .tempfile_in(dir.unwrap_or(&temp))?;
    io::Write::write_all(&mut file, text.as_bytes())?;
    io::Write::flush(&mut file)?;
    Ok(file)
}

/// Reads the edited body back, no more than an article's body may hold.
fn read_edited(path: &Path) -> std::result::Result<String, String> {
    let bytes = std::fs::File::open(path)
        .and_then(|file| crate::markdown::read_at_most(file, crate::markdown::MAX_BODY))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() > crate::markdown::MAX_BODY {
        return Err(crate::markdown::body_too_large(bytes.len()));
    }
    String::from_utf8(bytes)
        .map_err(|_| "the edited body is not UTF-8 text; save it as UTF-8".to_string())
}

fn to_msg(event: Event) -> Option<Msg> {
    match event {
        // Windows reports releases too; a key counts once, when pressed (or repeated).
        Event::Key(key) if key.kind != KeyEventKind::Release => to_key(key).map(Msg::Key),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollDown => Some(Msg::Wheel(3)),
            MouseEventKind::ScrollUp => Some(Msg::Wheel(-3)),
            _ => None,
        },
        Event::Paste(text) => Some(Msg::Paste(text)),
        _ => None,
    }
}

fn to_key(key: KeyEvent) -> Option<Key> {
    use crossterm::event::KeyCode as C;
    let code = match key.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Backspace => KeyCode::Backspace,
        C::Delete => KeyCode::Delete,
        C::Tab => KeyCode::Tab,
        C::BackTab => KeyCode::BackTab,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        C::F(n) => KeyCode::F(n),
        _ => return None,
    };
    Some(Key {
        code,
        ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
        alt: key.modifiers.contains(KeyModifiers::ALT),
    })
}

/// Drops preview loads that a later one in the same batch makes pointless.
fn coalesce(effects: Vec<Effect>) -> Vec<Effect> {
    let last_preview = effects
        .iter()
        .rposition(|e| matches!(e, Effect::LoadPreview(_)));
    effects
        .into_iter()
        .enumerate()
        .filter(|(i, e)| !matches!(e, Effect::LoadPreview(_)) || Some(*i) == last_preview)
        .map(|(_, e)| e)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_preview_of_a_batch_is_loaded() {
        let effects = vec![
            Effect::LoadPreview("a".into()),
            Effect::LoadHome,
            Effect::LoadPreview("b".into()),
            Effect::OpenArticle("c".into()),
        ];
        assert_eq!(
            coalesce(effects),
            vec![
                Effect::LoadHome,
                Effect::LoadPreview("b".into()),
                Effect::OpenArticle("c".into())
            ]
        );
    }

    #[test]
    fn crossterm_keys_become_our_keys() {
        use crossterm::event::KeyCode as C;
        let ctrl_c = KeyEvent::new(C::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(to_key(ctrl_c), Some(Key::ctrl('c')));
        let shifted = KeyEvent::new(C::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(to_key(shifted).and_then(Key::typed_char), Some('G'));
        let release = KeyEvent::new_with_kind(C::Down, KeyModifiers::NONE, KeyEventKind::Release);
        assert!(to_msg(Event::Key(release)).is_none());
        assert_eq!(
            to_key(KeyEvent::new(C::BackTab, KeyModifiers::SHIFT)).map(|k| k.code),
            Some(KeyCode::BackTab)
        );
    }

    #[test]
    #[cfg(unix)]
    fn the_editor_file_is_private_unpredictable_and_never_follows_a_planted_symlink() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").expect("victim");
        // Every name the old code used, planted as symlinks to the victim.
        for name in [
            format!("outpost-body-{}.md", std::process::id()),
            "outpost-body.md".to_string(),
        ] {
            symlink(&victim, dir.path().join(name)).expect("symlink");
        }
        let first = editor_file(Some(dir.path()), "body one").expect("editor file");
        let second = editor_file(Some(dir.path()), "body two").expect("editor file");

        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
        for file in [&first, &second] {
            let meta = std::fs::symlink_metadata(file.path()).expect("metadata");
            assert!(meta.file_type().is_file(), "{:?}", file.path());
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
            assert_eq!(file.path().parent(), Some(dir.path()));
            let name = file.path().file_name().expect("name").to_string_lossy();
            assert!(!name.contains(&std::process::id().to_string()), "{name}");
        }
        assert_ne!(first.path(), second.path());
        assert_eq!(read_edited(first.path()).as_deref(), Ok("body one"));
        let path = first.path().to_path_buf();
        drop(first);
        assert!(!path.exists(), "the file is removed once read");
    }

    #[test]
    fn a_body_the_editor_left_too_large_is_refused() {
        let file = editor_file(None, &"b".repeat(crate::markdown::MAX_BODY + 1)).expect("file");
        let refused = read_edited(file.path()).expect_err("too large");
        assert!(refused.contains("at most 1 MiB"), "{refused}");
    }
}
