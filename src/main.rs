//! The `outpost` binary: parses arguments and hands over to the library's CLI or TUI.

/// mimalloc instead of glibc's allocator: a large import's one write transaction holds hundreds
/// of thousands of page buffers of the store, allocated and freed as its B-trees change, and
/// glibc's `malloc` slows down as its heap fills with freed chunks of many sizes (a profile of a
/// 100,000-op import: 17 % of its samples in `_int_malloc`/`unlink_chunk`, nearly sixty times
/// the time of a 10,000-op import's; see docs/scaling.md). Built without transparent huge pages
/// (`no_thp`): zeroing 2 MB pages cost a short `outpost search` a fifth of its CPU; and mimalloc 2
/// (`v2`), whose start-up touches fewer pages than mimalloc 3's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let code = outpost::cli::run();
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(1))
}
