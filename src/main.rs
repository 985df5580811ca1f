//! The `outpost` binary: parses arguments and hands over to the library's CLI or TUI.

fn main() -> std::process::ExitCode {
    let code = outpost::cli::run();
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(1))
}
