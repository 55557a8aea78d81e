#!/usr/bin/env bash
# Checks spec/uapi against the real Linux uAPI headers: generates C files of
# _Static_assert lines (tools/gen-static-asserts.ts), one per header set, and
# compiles each with gcc -fsyntax-only -Werror against the headers the spec
# files name in their "check" field:
#
#   libc-dev-newest  linux-libc-dev from trixie-backports (7.3.x), unpacked
#                    into the cache and searched before /usr/include
#   libc-dev-system  the system's own /usr/include (Debian 12: linux-libc-dev 6.1)
#   kernel-source    drivers/iommu/iommufd/iommufd_test.h from the linux-source-7.3
#                    package of trixie-backports, with the newest headers
#   libc-dev-5.10    linux-libc-dev 5.10 from bullseye: the 2020 IOMMU UAPI structs
#                    (cache invalidation, guest PASID bind) that Linux 5.18 removed
#
#   tools/check-headers.sh [--spec-root DIR] [--keep]
#
#   --spec-root DIR  check the spec in DIR instead of the project's spec/
#   --keep           keep the generated C files (their directory is printed)
#
# Exits 0 when every assertion holds, 1 when one does not or a step fails,
# 2 on a usage error. Packages are fetched by tools/debian-fetch.sh and cached
# (with the unpacked headers) under
# ${IOMMUFD_CONFORMANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommufd-conformance};
# the generated C files go to a temporary directory.
#
# Environment, to use headers the caller already has instead of fetching:
#   IOMMUFD_HEADERS_DIR         include directory of the newest uAPI headers
#                               (holding linux/iommufd.h), or a tree with usr/include
#   IOMMUFD_KERNEL_SRC          kernel source tree, or a directory holding iommufd_test.h
#                               (default: fetched; also looked for in IOMMUFD_HEADERS_DIR)
#   IOMMUFD_SYSTEM_HEADERS_DIR  include directory for the libc-dev-system set instead of
#                               the compiler's default /usr/include
#   IOMMUFD_LEGACY_HEADERS_DIR  include directory of linux-libc-dev 5.10 headers (holding
#                               linux/iommu.h with struct iommu_cache_invalidate_info)
#   CC                          compiler (default gcc)
set -euo pipefail

# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
usage() {
  printf 'usage: %s [--spec-root DIR] [--keep]\n' "$prog" >&2
  exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

spec_root=
keep=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --spec-root)
      [[ $# -ge 2 ]] || usage
      spec_root=$2
      shift 2
      ;;
    --spec-root=*) spec_root=${1#--spec-root=}; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    *) printf '%s: unexpected argument %s\n' "$prog" "$1" >&2; usage ;;
  esac
done
if [[ -n $spec_root ]]; then
  [[ -d $spec_root/uapi ]] || die "--spec-root $spec_root has no uapi/ directory"
  spec_root=$(cd "$spec_root" && pwd)
fi

cc=${CC:-gcc}
command -v "$cc" >/dev/null 2>&1 || die "$cc not found (install gcc, or set CC)"
command -v node >/dev/null 2>&1 || die "node not found"

suite=trixie-backports
source_pkg=linux-source-7.3
test_h_rel=drivers/iommu/iommufd/iommufd_test.h
export IOMMUFD_CONFORMANCE_CACHE=$cache_root
triplet=$("$cc" -dumpmachine 2>/dev/null) || triplet=

# "7.3.4" from an include directory's linux/version.h, or "unknown".
linux_version() {
  local code
  code=$(sed -n 's/^#define LINUX_VERSION_CODE \([0-9][0-9]*\).*/\1/p' "$1/linux/version.h" 2>/dev/null | head -1)
  if [[ -n $code ]]; then
    printf '%d.%d.%d' $((code >> 16)) $(((code >> 8) & 255)) $((code & 255))
  else
    printf 'unknown'
  fi
}

# -isystem flags for an include directory, arch directory first, as gcc
# searches /usr/include/<triplet> before /usr/include.
isystem_flags() {
  local inc=$1
  if [[ -n $triplet && -d $inc/$triplet ]]; then
    printf '%s\n' -isystem "$inc/$triplet"
  fi
  printf '%s\n' -isystem "$inc"
}

# Unpacks into the cache, once: DEST appears complete or not at all.
# unpack_once DEST COMMAND... (COMMAND runs with $tmp as its target directory)
unpack_once() {
  local dest=$1
  shift
  [[ -d $dest ]] && return 0
  mkdir -p "$(dirname "$dest")"
  local tmp
  tmp=$(mktemp -d "$dest.tmp.XXXXXX")
  chmod 755 "$tmp"
  if ! "$@" "$tmp"; then
    rm -rf "$tmp"
    return 1
  fi
  # Another run may have won the race; its copy is as good as ours.
  mv -T "$tmp" "$dest" 2>/dev/null || rm -rf "$tmp"
}

extract_deb() { dpkg-deb -x "$1" "$2"; }

# Streams iommufd_test.h out of the source tarball inside the .deb; tar stops
# at the first match, so the upstream commands may die of SIGPIPE.
extract_test_h() {
  local deb=$1 dir=$2 tarball
  tarball=$(dpkg-deb -c "$deb" | awk '{ print $NF }' | grep -E '^\./usr/src/linux-source-[0-9.]+\.tar\.xz$' | head -1) \
    || { note "$deb holds no usr/src/linux-source-*.tar.xz"; return 1; }
  note "extracting $test_h_rel from $(basename "$deb") (reads the source tarball once)"
  local x=$dir/x
  mkdir -p "$x"
  { dpkg-deb --fsys-tarfile "$deb" 2>/dev/null || true; } \
    | { tar -xOf - "$tarball" 2>/dev/null || true; } \
    | tar -xJf - -C "$x" --wildcards --occurrence=1 "*/$test_h_rel" \
    || { note "tar could not extract */$test_h_rel"; return 1; }
  local found
  found=$(find "$x" -path "*/$test_h_rel" -type f | head -1)
  [[ -n $found ]] || { note "$test_h_rel is not in $tarball"; return 1; }
  mv "$found" "$dir/iommufd_test.h"
  rm -rf "$x"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/iommufd-check-headers.XXXXXX")
if [[ $keep -eq 1 ]]; then
  note "generated files are kept in $work"
else
  trap 'rm -rf "$work"' EXIT
fi

# --- The header sets ----------------------------------------------------------

newest_inc=
newest_desc=
if [[ -n ${IOMMUFD_HEADERS_DIR:-} ]]; then
  d=$IOMMUFD_HEADERS_DIR
  [[ -f $d/linux/iommufd.h ]] || { [[ -f $d/usr/include/linux/iommufd.h ]] && d=$d/usr/include; }
  [[ -f $d/linux/iommufd.h ]] || die "IOMMUFD_HEADERS_DIR=$IOMMUFD_HEADERS_DIR holds no linux/iommufd.h (nor usr/include/linux/iommufd.h)"
  newest_inc=$(cd "$d" && pwd)
  newest_desc="headers in $newest_inc (Linux $(linux_version "$newest_inc"))"
fi

test_h_dir=
test_h_desc=
find_test_h() {
  local d=$1
  if [[ -f $d/iommufd_test.h ]]; then
    printf '%s\n' "$d"
  elif [[ -f $d/$test_h_rel ]]; then
    printf '%s\n' "$d/${test_h_rel%/*}"
  fi
}
if [[ -n ${IOMMUFD_KERNEL_SRC:-} ]]; then
  test_h_dir=$(find_test_h "$IOMMUFD_KERNEL_SRC")
  [[ -n $test_h_dir ]] || die "IOMMUFD_KERNEL_SRC=$IOMMUFD_KERNEL_SRC holds neither iommufd_test.h nor $test_h_rel"
  test_h_desc="$test_h_dir/iommufd_test.h"
elif [[ -n $newest_inc ]]; then
  test_h_dir=$(find_test_h "$newest_inc")
  [[ -z $test_h_dir ]] || test_h_desc="$test_h_dir/iommufd_test.h"
fi

fetch=()
[[ -n $newest_inc ]] || fetch+=(linux-libc-dev)
[[ -n $test_h_dir ]] || fetch+=("$source_pkg")
if [[ ${#fetch[@]} -gt 0 ]]; then
  "$here/debian-fetch.sh" "$suite" "${fetch[@]}" >"$work/debs" || die "tools/debian-fetch.sh $suite ${fetch[*]} failed"
  mapfile -t debs <"$work/debs"
  [[ ${#debs[@]} -eq ${#fetch[@]} ]] || die "tools/debian-fetch.sh printed ${#debs[@]} paths for ${#fetch[@]} packages"
  for i in "${!fetch[@]}"; do
    deb=${debs[$i]}
    ver=$(dpkg-deb -f "$deb" Version) || die "cannot read the version of $deb"
    case ${fetch[$i]} in
      linux-libc-dev)
        dest=$cache_root/headers/linux-libc-dev_$ver
        unpack_once "$dest" extract_deb "$deb" || die "cannot unpack $deb"
        newest_inc=$dest/usr/include
        [[ -f $newest_inc/linux/iommufd.h ]] || die "$deb has no usr/include/linux/iommufd.h"
        [[ $ver == 7.3.* ]] || note "warning: $suite has linux-libc-dev $ver, not 7.3.x"
        newest_desc="linux-libc-dev $ver from $suite (Linux $(linux_version "$newest_inc"))"
        ;;
      "$source_pkg")
        dest=$cache_root/headers/${source_pkg}_$ver
        unpack_once "$dest" extract_test_h "$deb" || die "cannot extract $test_h_rel from $deb"
        test_h_dir=$dest
        test_h_desc="$test_h_rel from $source_pkg $ver ($suite)"
        ;;
    esac
  done
fi

system_flags=()
if [[ -n ${IOMMUFD_SYSTEM_HEADERS_DIR:-} ]]; then
  system_inc=$(cd "$IOMMUFD_SYSTEM_HEADERS_DIR" && pwd) || die "IOMMUFD_SYSTEM_HEADERS_DIR=$IOMMUFD_SYSTEM_HEADERS_DIR is not a directory"
  mapfile -t system_flags < <(isystem_flags "$system_inc")
  system_desc="headers in $system_inc (Linux $(linux_version "$system_inc"))"
else
  system_inc=/usr/include
  sys_ver=$(dpkg-query -W -f '${Version}' linux-libc-dev 2>/dev/null) || sys_ver=
  system_desc="system ${sys_ver:+linux-libc-dev $sys_ver in }/usr/include (Linux $(linux_version /usr/include))"
fi

mapfile -t newest_flags < <(isystem_flags "$newest_inc")

if [[ -n ${IOMMUFD_LEGACY_HEADERS_DIR:-} ]]; then
  legacy_inc=$(cd "$IOMMUFD_LEGACY_HEADERS_DIR" && pwd) || die "IOMMUFD_LEGACY_HEADERS_DIR=$IOMMUFD_LEGACY_HEADERS_DIR is not a directory"
  legacy_desc="headers in $legacy_inc (Linux $(linux_version "$legacy_inc"))"
else
  deb=$("$here/debian-fetch.sh" bullseye linux-libc-dev) || die "tools/debian-fetch.sh bullseye linux-libc-dev failed"
  ver=$(dpkg-deb -f "$deb" Version) || die "cannot read the version of $deb"
  dest=$cache_root/headers/linux-libc-dev_$ver
  unpack_once "$dest" extract_deb "$deb" || die "cannot unpack $deb"
  legacy_inc=$dest/usr/include
  [[ $ver == 5.10.* ]] || note "warning: bullseye has linux-libc-dev $ver, not 5.10.x"
  legacy_desc="linux-libc-dev $ver from bullseye (Linux $(linux_version "$legacy_inc"))"
fi
mapfile -t legacy_flags < <(isystem_flags "$legacy_inc")

# --- Generate and compile -------------------------------------------------------

gen_args=(--out-dir "$work")
[[ -z $spec_root ]] || gen_args=(--spec-root "$spec_root" "${gen_args[@]}")
if ! (cd "$repo" && node --import tsx tools/gen-static-asserts.ts "${gen_args[@]}") >"$work/generated.tsv"; then
  die "generating the C files failed (does the spec load? see above)"
fi

declare -A c_file=() n_asserts=() hdrs=()
while IFS=$'\t' read -r kind path count headers; do
  c_file[$kind]=$path
  n_asserts[$kind]=$count
  hdrs[$kind]=${headers//,/, }
done <"$work/generated.tsv"

# Prints gcc's diagnostics, each error followed by the spec item of the
# generated line it is about (the assertion's message).
explain() {
  local out=$1 cfile=$2
  awk -v cfile="$cfile" '
    BEGIN { n = 0; while ((getline line < cfile) > 0) src[++n] = line }
    {
      print "    " $0
      if (index($0, cfile ":") == 1 && $0 ~ /: (error|warning):/ && $0 !~ /static assertion failed/) {
        rest = substr($0, length(cfile) + 2)
        split(rest, parts, ":")
        l = parts[1] + 0
        if (l in src && match(src[l], /"[^"]*"\);$/)) {
          print "      (checking " substr(src[l], RSTART + 1, RLENGTH - 4) ")"
        }
      }
    }
  ' "$out"
}

total=0
failed=0
report=()
compile() {
  local kind=$1 desc=$2
  shift 2
  local cfile=${c_file[$kind]:-}
  [[ -n $cfile ]] || die "the generator wrote no file for check kind $kind"
  local count=${n_asserts[$kind]}
  total=$((total + count))
  local out=$work/$kind.out
  if LC_ALL=C "$cc" -std=gnu11 -Wall -Werror -fsyntax-only -fno-diagnostics-show-caret -fdiagnostics-color=never \
      "$@" "$cfile" >"$out" 2>&1; then
    report+=("  ok    $kind: $count asserts on ${hdrs[$kind]:-(no headers)} against $desc")
  else
    local bad other
    bad=$(grep -c 'static assertion failed' "$out" || true)
    other=$(grep -E ': (fatal )?error:' "$out" | grep -vc 'static assertion failed' || true)
    failed=$((failed + 1))
    printf '%s: %s: %s of %s asserts failed, %s other errors, against %s:\n' "$prog" "$kind" "$bad" "$count" "$other" "$desc" >&2
    explain "$out" "$cfile" >&2
    report+=("  FAIL  $kind: $bad of $count asserts failed, $other other errors, on ${hdrs[$kind]:-(no headers)} against $desc")
  fi
}

[[ -f $system_inc/linux/iommu.h || ${n_asserts[libc-dev-system]:-0} -eq 0 ]] \
  || note "warning: $system_inc has no linux/iommu.h; set IOMMUFD_SYSTEM_HEADERS_DIR to linux-libc-dev 6.1 headers (e.g. unpacked by tools/debian-fetch.sh --unpack DIR bookworm linux-libc-dev)"

compile libc-dev-newest "$newest_desc" "${newest_flags[@]}"
compile libc-dev-system "$system_desc" ${system_flags[@]+"${system_flags[@]}"}
compile kernel-source "$test_h_desc + $newest_desc" "${newest_flags[@]}" -I "$test_h_dir"
compile libc-dev-5.10 "$legacy_desc" "${legacy_flags[@]}"

printf '%s: spec %s\n' "$prog" "${spec_root:-$repo/spec}"
printf '%s\n' "${report[@]}"
if [[ $failed -gt 0 ]]; then
  printf '%s: FAILED: %d of 4 header sets do not match the spec\n' "$prog" "$failed"
  exit 1
fi
printf '%s: all %d asserts hold\n' "$prog" "$total"
