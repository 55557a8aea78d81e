#!/usr/bin/env bash
# Installs the host packages needed to build the test kernel, pack its
# initramfs and boot it under qemu: qemu-system-x86 flex bison bc libelf-dev
# cpio busybox-static (plus make, gcc, xz-utils, libssl-dev and friends that a
# kernel build needs and a minimal system may lack).
#
#   tools/kernel/install-deps.sh
#
# Idempotent and non-interactive: only what is missing is installed, and
# nothing at all (not even apt-get update) happens when everything is there.
# Needs root (or sudo) when something is missing.
set -euo pipefail

# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

pkgs=(
  qemu-system-x86 flex bison bc libelf-dev cpio busybox-static
  make gcc libc6-dev xz-utils libssl-dev kmod
)

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script needs a Debian-based system"

missing=()
for p in "${pkgs[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || status=
  [[ $status == installed ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  note "all packages present: ${pkgs[*]}"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || die "missing packages (${missing[*]}) and not root; run as root or install sudo"
  sudo=(sudo -n)
fi

export DEBIAN_FRONTEND=noninteractive
note "missing: ${missing[*]}"
note "apt-get update"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update \
  || die "apt-get update failed"
note "apt-get install ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  install --no-install-recommends "${missing[@]}" \
  || die "apt-get install ${missing[*]} failed"

# Check again: apt can exit 0 and still leave a package unconfigured.
still=()
for p in "${missing[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || status=
  [[ $status == installed ]] || still+=("$p")
done
[[ ${#still[@]} -eq 0 ]] || die "still not installed: ${still[*]}"
note "installed: ${missing[*]}"
