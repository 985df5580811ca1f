#!/usr/bin/env bash
# Fails when the `outpost` binary would link a system library beyond the C runtime, so that a
# fresh machine needs a Rust toolchain and a C compiler and nothing else.
#
# Without an argument: checks the normal dependency tree of the `outpost` package. By Cargo's
# convention a crate that links a native library is named `*-sys`; each one found must be on
# the allow-list below, which names only crates that compile their C from source or link
# nothing at all. Anything else fails and is printed. (The `outpost-bench` member is not
# checked: its SQLite is `bundled`, and it is not what an officer installs.)
#
# With a built binary as argument (`check-native-deps.sh target/debug/outpost`): checks instead
# the libraries it was linked against (ELF NEEDED entries) against the C runtime's own, which
# catches a native link that does not follow the convention.
set -euo pipefail
cd "$(dirname "$0")/.."

# Crate name → why it needs no system library.
declare -A allowed=(
  [zstd-sys]="compiles the zstd C sources it ships"
  [libmimalloc-sys]="compiles the mimalloc C sources it ships"
  [linux-raw-sys]="Rust declarations of Linux system calls, no C"
  [dirs-sys]="Rust calls into libc, no C"
)

status=0
if [ $# -gt 0 ]; then
  if [ ! -f "$1" ]; then
    echo "native deps: no binary at $1" >&2
    status=1
  elif ! command -v readelf >/dev/null 2>&1; then
    echo "warning: readelf is missing; the libraries $1 links against are not checked" >&2
  else
    # glibc, its loader and libgcc's unwinder: present on every Linux system with a C runtime.
    runtime='^(libc|libm|libpthread|libdl|librt|libgcc_s|ld-linux[-a-z0-9_]*)\.so'
    while read -r lib; do
      if [[ "$lib" =~ $runtime ]]; then
        echo "native deps: $1 links $lib (C runtime)"
      else
        echo "native deps: $1 links $lib, a system library beyond the C runtime" >&2
        status=1
      fi
    done < <(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  fi
else
  tree="$(cargo tree -p outpost -e normal --prefix none --format '{p}')"
  for crate in $(awk '{print $1}' <<<"$tree" | sort -u | grep -- '-sys$' || true); do
    if [ -n "${allowed[$crate]:-}" ]; then
      echo "native deps: $crate allowed: ${allowed[$crate]}"
    else
      echo "native deps: $crate is a -sys crate not on the allow-list of" \
        "scripts/check-native-deps.sh; it may link a system library" >&2
      status=1
    fi
  done
fi
exit "$status"
