#!/usr/bin/env bash
# Fetches the real text the search benchmark (`outpost-bench`) builds its corpus from, into
# target/bench-corpus/sources/ (or $1). Run again only to refresh: the benchmark calls it when
# sources/MANIFEST.txt is missing.
#
# - English and Korean: apt's package-description translations (Translation-en, Translation-ko),
#   fetched into a private lists directory so the system's apt state is left alone.
# - Thai: the Thai gettext catalogues (.mo) shipped in Debian packages: LibreOffice's Thai UI
#   strings, iso-codes' country/currency/language/subdivision names, and the Thai messages of
#   dpkg, apt and GLib. The .deb files are downloaded (not installed) and unpacked here.
#
# Needs apt-get, apt-helper and dpkg-deb (Debian/Ubuntu) and network access to the Debian mirror
# configured in /etc/apt/sources.list*. Does not need root for the download itself, but apt's
# sandbox user must be able to write the target directory, so run it as root or as the owner.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/bench-corpus/sources}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
lists="$out/apt-lists"
debs="$out/debs"
mkdir -p "$lists/partial" "$debs" "$out/th-mo"

# A private lists dir, no binary cache files: nothing outside $out changes.
apt_opts=(
  -o "Dir::State::Lists=$lists"
  -o "Dir::Cache::pkgcache="
  -o "Dir::Cache::srcpkgcache="
  -o "Acquire::Languages=en,ko"
  -o "APT::Sandbox::User=root"
)

echo "bench-corpus: fetching package lists and description translations into $lists" >&2
apt-get update -qq "${apt_opts[@]}"

helper=/usr/lib/apt/apt-helper
: >"$out/Translation-en.txt"
: >"$out/Translation-ko.txt"
for lang in en ko; do
  found=0
  for f in "$lists"/*_i18n_Translation-"$lang"*; do
    [ -e "$f" ] || continue
    case "$f" in *.diff*|*partial*) continue ;; esac
    "$helper" cat-file "$f" >>"$out/Translation-$lang.txt"
    printf '\n' >>"$out/Translation-$lang.txt"
    found=1
  done
  if [ "$found" = 0 ]; then
    echo "bench-corpus: no Translation-$lang list was fetched" >&2
    exit 1
  fi
done

# Debian packages whose Thai catalogues we read. Each must exist in the configured archive.
packages=(libreoffice-l10n-th iso-codes dpkg apt libglib2.0-data)
echo "bench-corpus: downloading ${packages[*]}" >&2
(cd "$debs" && apt-get download -qq "${apt_opts[@]}" "${packages[@]}")

rm -rf "$debs/root" "$out/th-mo"
mkdir -p "$debs/root" "$out/th-mo"
{
  echo "# Sources of the outpost-bench corpus, fetched $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  for f in "$out"/Translation-*.txt; do
    echo "$(basename "$f"): $(grep -c '^Package:' "$f") descriptions (apt package-description translations)"
  done
  for deb in "$debs"/*.deb; do
    name="$(dpkg-deb -f "$deb" Package)"
    version="$(dpkg-deb -f "$deb" Version)"
    unpacked="$debs/root/$name"
    mkdir -p "$unpacked"
    dpkg-deb -x "$deb" "$unpacked"
    count=0
    while IFS= read -r -d '' mo; do
      cp "$mo" "$out/th-mo/${name}__$(basename "$mo")"
      count=$((count + 1))
    done < <(find "$unpacked" -path '*/th/LC_MESSAGES/*.mo' -print0)
    echo "$name $version: $count Thai .mo catalogues"
  done
} >"$out/MANIFEST.txt.tmp"
mv "$out/MANIFEST.txt.tmp" "$out/MANIFEST.txt"
cat "$out/MANIFEST.txt" >&2
