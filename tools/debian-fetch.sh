#!/usr/bin/env bash
# Downloads Debian binary packages of a given suite with apt-get, without
# touching the system's apt configuration or state: the sources entry, the
# package lists, apt's state and its cache all live in the project's cache
# directory.
#
#   tools/debian-fetch.sh [--unpack DEST] SUITE PKG...
#
# Prints the path of each package's .deb (one per line, in argument order) on
# stdout; progress and warnings go to stderr. With --unpack, also extracts
# every package into DEST with dpkg-deb -x.
#
# The sources entry is derived from the system's own Debian entry
# (/etc/apt/sources.list.d/debian.sources, or /etc/apt/sources.list): same
# archive URI and components, Suites replaced by SUITE, signed by
# /usr/share/keyrings/debian-archive-keyring.gpg.
#
# Caching: the package lists of SUITE are refreshed at most once per run, and
# only when they are missing, older than IOMMUFD_CONFORMANCE_APT_TTL seconds
# (default 86400), or do not know a requested package. A .deb whose version
# is the suite's current one is not downloaded again. When the archive cannot
# be reached, the newest cached .deb of a package is used, with a warning.
#
# Environment:
#   IOMMUFD_CONFORMANCE_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/iommufd-conformance)
#   IOMMUFD_CONFORMANCE_APT_TTL  maximum age of the package lists in seconds (default 86400)
#   IOMMUFD_CONFORMANCE_DEBIAN_MIRROR  archive URI to use instead of the system's Debian entry
set -euo pipefail

# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
usage() {
  printf 'usage: %s [--unpack DEST] SUITE PKG...\n' "$prog" >&2
  exit 2
}

unpack_dest=
while [[ $# -gt 0 ]]; do
  case $1 in
    --unpack)
      [[ $# -ge 2 ]] || usage
      unpack_dest=$2
      shift 2
      ;;
    --unpack=*) unpack_dest=${1#--unpack=}; shift ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) printf '%s: unknown option %s\n' "$prog" "$1" >&2; usage ;;
    *) break ;;
  esac
done
[[ $# -ge 2 ]] || usage
suite=$1
shift
pkgs=("$@")
[[ $suite =~ ^[A-Za-z0-9][A-Za-z0-9.+_-]*$ ]] || die "invalid suite name '$suite'"
for p in "${pkgs[@]}"; do
  [[ $p =~ ^[a-z0-9][a-z0-9.+-]+$ ]] || die "invalid package name '$p'"
done

for tool in apt-get apt-cache dpkg-deb dpkg; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found: this script needs a Debian-based system with apt"
done

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -r $keyring ]] || die "$keyring is missing (install debian-archive-keyring)"

apt_root=$cache_root/apt
suite_dir=$apt_root/$suite
debs_dir=$suite_dir/debs
ttl=${IOMMUFD_CONFORMANCE_APT_TTL:-86400}
[[ $ttl =~ ^[0-9]+$ ]] || die "IOMMUFD_CONFORMANCE_APT_TTL must be a number of seconds, not '$ttl'"

mkdir -p "$suite_dir/sources.list.d" "$suite_dir/preferences.d" "$suite_dir/state" \
  "$suite_dir/lists/partial" "$suite_dir/cache/archives/partial" "$debs_dir" \
  || die "cannot create the cache directory $apt_root"

# One run at a time per suite: concurrent runs would fight over the lists.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$suite_dir/lock"
  flock 9 || die "cannot lock $suite_dir/lock"
fi

# --- The sources entry ------------------------------------------------------

# Prints "URI<TAB>COMPONENTS" of the system's main Debian archive entry.
system_debian_entry() {
  local codename=
  if [[ -r /etc/os-release ]]; then
    codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  fi
  local deb822=/etc/apt/sources.list.d/debian.sources
  if [[ -r $deb822 ]]; then
    # deb822: blank-line separated stanzas; '#' lines are comments. Take the
    # stanza with Types deb whose URIs are not a -security archive, preferring
    # one that carries the plain release codename.
    awk -v codename="$codename" '
      function flush() {
        if (uris != "" && tolower(enabled) != "no" && types ~ /(^|[ \t])deb([ \t]|$)/ && uris !~ /-security/ && suites !~ /-security/) {
          score = (codename != "" && (" " suites " ") ~ (" " codename " ")) ? 2 : 1
          if (score > best) { best = score; out = uris "\t" comps }
        }
        types = ""; uris = ""; suites = ""; comps = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      {
        line = $0
        key = tolower(line); sub(/:.*/, "", key); gsub(/[ \t]/, "", key)
        val = line; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
        if (key == "types") types = val
        else if (key == "uris") uris = val
        else if (key == "suites") suites = val
        else if (key == "components") comps = val
        else if (key == "enabled") enabled = val
      }
      END { flush(); if (best) print out }
    ' "$deb822"
    return
  fi
  local list=/etc/apt/sources.list
  if [[ -r $list ]]; then
    # One-line format: deb [options] URI SUITE COMPONENT...
    awk -v codename="$codename" '
      /^[ \t]*deb[ \t]/ {
        n = 0
        for (i = 2; i <= NF; i++) {
          if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; continue }
          f[++n] = $i
        }
        if (n < 3 || f[1] ~ /-security/ || f[2] ~ /-security/) next
        comps = f[3]; for (i = 4; i <= n; i++) comps = comps " " f[i]
        score = (codename != "" && f[2] == codename) ? 2 : 1
        if (score > best) { best = score; out = f[1] "\t" comps }
      }
      END { if (best) print out }
    ' "$list"
  fi
}

if [[ -n ${IOMMUFD_CONFORMANCE_DEBIAN_MIRROR:-} ]]; then
  uris=$IOMMUFD_CONFORMANCE_DEBIAN_MIRROR
  comps=main
else
  entry=$(system_debian_entry) || true
  [[ -n $entry ]] || die "found no Debian archive entry in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list (set IOMMUFD_CONFORMANCE_DEBIAN_MIRROR to an archive URI such as http://deb.debian.org/debian)"
  uris=${entry%%$'\t'*}
  comps=${entry#*$'\t'}
  [[ -n $comps ]] || comps=main
fi

sources_file=$suite_dir/sources.list.d/debian.sources
sources_text="# Generated by tools/debian-fetch.sh from the system's Debian entry.
Types: deb
URIs: $uris
Suites: $suite
Components: $comps
Signed-By: $keyring
"
lists_stale_reason=
if [[ ! -f $sources_file ]] || [[ $(<"$sources_file") != "${sources_text%$'\n'}" ]]; then
  printf '%s' "$sources_text" >"$sources_file"
  lists_stale_reason="the sources entry changed"
fi

apt_opts=(
  -o "Dir::Etc::SourceList=/dev/null"
  -o "Dir::Etc::SourceParts=$suite_dir/sources.list.d"
  -o "Dir::Etc::Preferences=/dev/null"
  -o "Dir::Etc::PreferencesParts=$suite_dir/preferences.d"
  -o "Dir::State=$suite_dir/state"
  -o "Dir::State::Lists=$suite_dir/lists"
  -o "Dir::Cache=$suite_dir/cache"
  -o "Dir::State::status=/var/lib/dpkg/status"
  -o "Debug::NoLocking=1"
  -o "Acquire::Languages=none"
)
# As root apt hands downloads to the _apt user, which cannot write into a
# cache under root's home and warns before falling back to root; download
# as root directly instead.
if [[ $(id -u) -eq 0 ]]; then
  apt_opts+=(-o "APT::Sandbox::User=root")
fi

# --- Package lists ----------------------------------------------------------

stamp=$suite_dir/lists-updated.stamp
updated=0
update_failed=0
update_lists() {
  [[ $updated -eq 0 ]] || return 0
  updated=1
  note "updating the package lists of $suite from $uris${1:+ ($1)}"
  local log
  log=$(mktemp)
  if apt-get "${apt_opts[@]}" -q update >"$log" 2>&1; then
    # apt-get update exits 0 even when an index could not be fetched.
    if grep -Eq '^(E:|W: Failed to fetch|Err:)' "$log"; then
      update_failed=1
      warn "apt-get update reported problems:"
      sed 's/^/  /' "$log" >&2
    fi
  else
    update_failed=1
    warn "apt-get update failed:"
    sed 's/^/  /' "$log" >&2
  fi
  # The archive answered, but without this suite: no cached fallback applies.
  if grep -q 'does not have a Release file' "$log"; then
    rm -f "$log"
    die "$uris has no suite $suite"
  fi
  rm -f "$log"
  [[ $update_failed -eq 1 ]] || touch "$stamp"
}

lists_present() {
  compgen -G "$suite_dir/lists/*_dists_${suite}_*Packages*" >/dev/null
}

if [[ -n $lists_stale_reason ]]; then
  update_lists "$lists_stale_reason"
elif ! lists_present; then
  update_lists "no package lists yet"
else
  # apt dates the list files by the archive's Release date, so keep our own
  # stamp of the last successful update.
  stamp_time=$(stat -c %Y "$stamp" 2>/dev/null) || stamp_time=
  if [[ -z $stamp_time ]] || (( $(date +%s) - stamp_time > ttl )); then
    update_lists "package lists older than ${ttl}s"
  fi
fi

# Version of PKG in SUITE according to the lists, or nothing.
suite_version() {
  apt-cache "${apt_opts[@]}" show --no-all-versions "$1/$suite" 2>/dev/null \
    | sed -n 's/^Version: //p' | head -1
}

# Newest cached .deb of PKG (optionally of exactly VERSION).
cached_deb() {
  local pkg=$1 want=${2:-} f v best='' bestv=''
  shopt -s nullglob
  for f in "$debs_dir/${pkg}_"*.deb; do
    v=$(dpkg-deb -f "$f" Version 2>/dev/null) || continue
    [[ $(dpkg-deb -f "$f" Package 2>/dev/null) == "$pkg" ]] || continue
    if [[ -n $want ]]; then
      [[ $v == "$want" ]] && { best=$f; break; }
    elif [[ -z $bestv ]] || dpkg --compare-versions "$v" gt "$bestv"; then
      best=$f
      bestv=$v
    fi
  done
  shopt -u nullglob
  [[ -n $best ]] && printf '%s\n' "$best"
}

# Sets fetched to the path of PKG's .deb (runs in the main shell, so that
# "update at most once" holds across packages).
fetched=
fetch_one() {
  local pkg=$1 ver deb
  ver=$(suite_version "$pkg") || true
  if [[ -z $ver && $updated -eq 0 ]]; then
    update_lists "$pkg is not in the cached lists"
    ver=$(suite_version "$pkg") || true
  fi
  if [[ -z $ver ]]; then
    deb=$(cached_deb "$pkg") || true
    if [[ -n $deb && $update_failed -eq 1 ]]; then
      warn "cannot reach the archive; using the cached $(basename "$deb")"
      fetched=$deb
      return 0
    fi
    die "package $pkg not found in suite $suite ($uris)"
  fi
  deb=$(cached_deb "$pkg" "$ver") || true
  if [[ -n $deb ]]; then
    fetched=$deb
    return 0
  fi
  note "downloading $pkg $ver from $suite"
  local tmp log
  tmp=$(mktemp -d "$debs_dir/.download.XXXXXX")
  log=$(mktemp)
  if ! (cd "$tmp" && apt-get "${apt_opts[@]}" -q download "$pkg=$ver") >"$log" 2>&1; then
    if [[ $updated -eq 0 ]]; then
      # The lists may name a version the archive no longer has.
      rm -rf "$tmp"
      update_lists "downloading $pkg $ver failed"
      ver=$(suite_version "$pkg") || true
      [[ -n $ver ]] || { sed 's/^/  /' "$log" >&2; rm -f "$log"; die "package $pkg not found in suite $suite after update"; }
      rm -f "$log"
      fetch_one "$pkg"
      return
    fi
    sed 's/^/  /' "$log" >&2
    rm -rf "$tmp" "$log"
    deb=$(cached_deb "$pkg") || true
    if [[ -n $deb ]]; then
      warn "download of $pkg $ver failed; using the cached $(basename "$deb")"
      fetched=$deb
      return 0
    fi
    die "apt-get download $pkg=$ver failed"
  fi
  rm -f "$log"
  shopt -s nullglob
  local got=("$tmp"/*.deb)
  shopt -u nullglob
  [[ ${#got[@]} -eq 1 ]] || { rm -rf "$tmp"; die "apt-get download $pkg=$ver produced ${#got[@]} files"; }
  deb=$debs_dir/$(basename "${got[0]}")
  mv -f "${got[0]}" "$deb"
  rm -rf "$tmp"
  fetched=$deb
}

# Leftovers of interrupted downloads.
rm -rf "$debs_dir"/.download.* 2>/dev/null || true

debs=()
for p in "${pkgs[@]}"; do
  fetch_one "$p"
  debs+=("$fetched")
done

if [[ -n $unpack_dest ]]; then
  mkdir -p "$unpack_dest" || die "cannot create $unpack_dest"
  for d in "${debs[@]}"; do
    note "unpacking $(basename "$d") into $unpack_dest"
    dpkg-deb -x "$d" "$unpack_dest" || die "dpkg-deb -x $d $unpack_dest failed"
  done
fi

printf '%s\n' "${debs[@]}"
