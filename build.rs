//! Links the `outpost` binary on Linux as a position-dependent executable: the loader then has
//! no relative relocations to apply (a position-independent build has 43,000, writing to a
//! megabyte of pages before `main`), which was about a quarter of what a short command such
//! as `outpost search` paid to start (docs/BENCHMARKS.md).
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}
