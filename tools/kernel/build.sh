#!/usr/bin/env bash
# Builds an x86_64 bzImage with iommufd and its self-test interface from
# Debian's own linux-source package, and caches it.
#
#   tools/kernel/build.sh VERSION        VERSION: 7.3 or 6.12
#
# Prints progress on stderr and the path of the bzImage as the only (so the
# last) line of stdout. A kernel already built for the same Debian version of
# the source package and the same fragment is not built again: its path is
# printed at once.
#
# Steps: fetch linux-source-VERSION with tools/debian-fetch.sh (7.3 from
# trixie-backports, 6.12 from bookworm-security); unpack it once, outside the
# repository, into <cache>/kernel/src/; configure in <cache>/kernel/build/
# (make O=...) with `make ARCH=x86_64 tinyconfig` plus tools/kernel/iommufd.config
# merged by scripts/kconfig/merge_config.sh; check that every option of the
# fragment that this kernel knows stuck; make -j$(nproc) bzImage. The source
# and build trees are kept, so a rebuild after a fragment change is
# incremental.
#
# Result: <cache>/kernel/<debian-version>-<first 12 hex of sha256(fragment)>/
#   bzImage, .config, build-info (versions, times, options skipped)
#
# Environment:
#   IOMMUFD_CONFORMANCE_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/iommufd-conformance)
#   IOMMUFD_CONFORMANCE_KERNEL_SUITE  Debian suite to take the source from, instead of the default
#   IOMMUFD_CONFORMANCE_DEBIAN_MIRROR archive URI (passed to debian-fetch.sh); for a *-security
#                               suite the default is the system's security archive entry
#   JOBS                        make -j value (default: nproc)
set -euo pipefail

# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
usage() { printf 'usage: %s VERSION   (VERSION: 7.3 or 6.12)\n' "$prog" >&2; exit 2; }

[[ $# -eq 1 ]] || usage
version=$1
case $version in
  7.3) default_suite=trixie-backports ;;
  6.12) default_suite=bookworm-security ;;
  -h|--help) usage ;;
  *) die "unsupported kernel version '$version' (supported: 7.3, 6.12)" ;;
esac
suite=${IOMMUFD_CONFORMANCE_KERNEL_SUITE:-$default_suite}
pkg=linux-source-$version

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fetch=$here/../debian-fetch.sh
fragment=$here/iommufd.config
[[ -x $fetch ]] || die "$fetch not found or not executable"
[[ -r $fragment ]] || die "$fragment not found"

kcache=$cache_root/kernel
mkdir -p "$kcache/src" "$kcache/build" || die "cannot create $kcache"

for tool in make gcc flex bison bc xz tar dpkg-deb sha256sum perl; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run tools/kernel/install-deps.sh as root)"
done
[[ -e /usr/include/libelf.h || -e /usr/include/gelf.h ]] || die "libelf-dev is missing (run tools/kernel/install-deps.sh as root)"

start=$SECONDS
elapsed() { printf '%ds' $((SECONDS - start)); }

# --- Source package --------------------------------------------------------

# A *-security suite lives in the security archive, not the main one: take
# its URI from the system's entry unless the caller chose a mirror.
fetch_env=()
if [[ $suite == *-security && -z ${IOMMUFD_CONFORMANCE_DEBIAN_MIRROR:-} ]]; then
  sec_uri=
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    sec_uri=$(awk 'tolower($1) == "uris:" && $2 ~ /-security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z $sec_uri && -r /etc/apt/sources.list ]]; then
    sec_uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /-security/ && $i ~ /:\/\//) { print $i; exit } }' /etc/apt/sources.list)
  fi
  fetch_env=(IOMMUFD_CONFORMANCE_DEBIAN_MIRROR="${sec_uri:-http://deb.debian.org/debian-security}")
fi

note "fetching $pkg from $suite"
deb=$(env "${fetch_env[@]}" "$fetch" "$suite" "$pkg" | tail -n 1) || die "could not fetch $pkg from $suite"
[[ -f $deb ]] || die "debian-fetch.sh printed '$deb', which is not a file"
debver=$(dpkg-deb -f "$deb" Version) || die "cannot read the version of $deb"
[[ -n $debver ]] || die "$deb has no Version"

frag_hash=$(sha256sum "$fragment" | cut -c1-12)
out_dir=$kcache/$debver-$frag_hash
if [[ -s $out_dir/bzImage && -s $out_dir/.config ]]; then
  note "cached: $pkg $debver, fragment $frag_hash"
  printf '%s\n' "$out_dir/bzImage"
  exit 0
fi

# Directory names for the trees: the Debian version without ~ and +, which
# some kbuild paths dislike.
tree_name=${pkg}_$(printf '%s' "$debver" | tr -c 'A-Za-z0-9.\n_-' '_')
src=$kcache/src/$tree_name
build=$kcache/build/$tree_name

# One build per tree at a time.
exec 9>"$kcache/build/$tree_name.lock"
if command -v flock >/dev/null 2>&1; then
  if ! flock -n 9; then
    note "another build of $tree_name is running; waiting for it"
    flock 9 || die "cannot lock $kcache/build/$tree_name.lock"
  fi
  # It may have built just what we want.
  if [[ -s $out_dir/bzImage && -s $out_dir/.config ]]; then
    printf '%s\n' "$out_dir/bzImage"
    exit 0
  fi
fi

if [[ ! -f $src/.unpacked ]]; then
  note "unpacking $(basename "$deb") into $src (about 30 seconds)"
  rm -rf "$src" "$kcache/src/.tmp.$tree_name".*
  tmp=$(mktemp -d "$kcache/src/.tmp.$tree_name.XXXXXX")
  member=./usr/src/$pkg.tar.xz
  if ! dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "$member" | tar -xJf - -C "$tmp"; then
    rm -rf "$tmp"
    die "could not unpack $member from $deb"
  fi
  top=$tmp/$pkg
  [[ -f $top/Makefile && -d $top/scripts/kconfig ]] || { rm -rf "$tmp"; die "$member does not hold a kernel tree at $pkg/"; }
  mv "$top" "$src"
  rm -rf "$tmp"
  printf '%s\n' "$debver" >"$src/.unpacked"
  note "unpacked ($(elapsed))"
fi
kver=$(make -s -C "$src" kernelversion 2>/dev/null) || kver=unknown

# --- Configuration ---------------------------------------------------------

mkdir -p "$build"
mk=(make -C "$src" O="$build" ARCH=x86_64 KBUILD_BUILD_USER=iommufd-conformance KBUILD_BUILD_HOST=build)
log=$build/config.log
note "configuring $kver (tinyconfig + $(basename "$fragment"), fragment $frag_hash)"
{
  "${mk[@]}" tinyconfig &&
  (cd "$src" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m -O "$build" "$build/.config" "$fragment") &&
  "${mk[@]}" olddefconfig
} >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "configuration failed (log: $log)"; }

# Every option of the fragment that this kernel's Kconfig defines must have
# the requested value; options unknown to this version are listed, not fatal.
known=$(find "$src" -name 'Kconfig*' -type f -not -path '*/Documentation/*' -exec \
  sed -nE 's/^[[:space:]]*(menu)?config[[:space:]]+([A-Za-z0-9_]+)[[:space:]]*$/\2/p' {} + | sort -u)
declare -A is_known=()
while read -r s; do [[ -n $s ]] && is_known[$s]=1; done <<<"$known"

wrong=()
skipped=()
while IFS= read -r line; do
  sym='' want=
  if [[ $line =~ ^CONFIG_([A-Za-z0-9_]+)=(.*)$ ]]; then
    sym=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
  elif [[ $line =~ ^#\ CONFIG_([A-Za-z0-9_]+)\ is\ not\ set ]]; then
    sym=${BASH_REMATCH[1]} want=n
  else
    continue
  fi
  if [[ -z ${is_known[$sym]:-} ]]; then
    skipped+=("CONFIG_$sym")
    continue
  fi
  got=$(sed -nE "s/^CONFIG_$sym=(.*)$/\1/p" "$build/.config")
  [[ -n $got ]] || got=n
  [[ $got == "$want" ]] || wrong+=("CONFIG_$sym=$want (got $got)")
done <"$fragment"

# Whatever the fragment says, these are what the project needs.
for sym in IOMMUFD IOMMUFD_TEST IOMMUFD_VFIO_CONTAINER IOMMU_IOPF VFIO VIRTIO_CONSOLE SERIAL_8250_CONSOLE DEVTMPFS BLK_DEV_INITRD RD_GZIP BINFMT_ELF BINFMT_SCRIPT; do
  grep -qx "CONFIG_$sym=y" "$build/.config" || wrong+=("CONFIG_$sym=y (essential; got $(sed -nE "s/^CONFIG_$sym=(.*)$/\1/p" "$build/.config" | grep . || echo n))")
done
if [[ ${#wrong[@]} -gt 0 ]]; then
  printf '%s: these options did not end up in %s as requested (a dependency is missing?):\n' "$prog" "$build/.config" >&2
  printf '  %s\n' "${wrong[@]}" | sort -u >&2
  die "configuration check failed for $kver"
fi
if [[ ${#skipped[@]} -gt 0 ]]; then
  note "not in $kver's Kconfig, skipped: ${skipped[*]}"
fi
note "configured: IOMMUFD, IOMMUFD_TEST, IOMMUFD_VFIO_CONTAINER, IOMMU_IOPF are y ($(elapsed))"

# --- Build -----------------------------------------------------------------

jobs=${JOBS:-$(nproc)}
log=$build/build.log
note "building bzImage with make -j$jobs (about 3 minutes cold; log: $log)"
bstart=$SECONDS
if ! "${mk[@]}" -j"$jobs" bzImage >"$log" 2>&1; then
  grep -E 'error|Error' "$log" | tail -n 20 >&2 || true
  tail -n 20 "$log" >&2
  die "make bzImage failed (log: $log)"
fi
build_secs=$((SECONDS - bstart))
img=$build/arch/x86/boot/bzImage
[[ -s $img ]] || die "make succeeded but $img is missing"
note "built in ${build_secs}s ($(elapsed) in all), $(stat -c %s "$img") bytes"

# --- Publish ---------------------------------------------------------------

tmp_out=$(mktemp -d "$kcache/.tmp.$debver-$frag_hash.XXXXXX")
chmod 0755 "$tmp_out"
cp "$img" "$tmp_out/bzImage"
cp "$build/.config" "$tmp_out/.config"
{
  printf 'package: %s\n' "$pkg"
  printf 'debian-version: %s\n' "$debver"
  printf 'suite: %s\n' "$suite"
  printf 'kernel-version: %s\n' "$kver"
  printf 'fragment-sha256-12: %s\n' "$frag_hash"
  printf 'build-seconds: %s\n' "$build_secs"
  printf 'built-at: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'skipped-options: %s\n' "${skipped[*]:-}"
} >"$tmp_out/build-info"
rm -rf "$out_dir"
mv "$tmp_out" "$out_dir"
printf '%s\n' "$out_dir/bzImage"
