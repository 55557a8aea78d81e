#!/usr/bin/env bash
# Packs the guest's initramfs: busybox-static, the given static binary as
# /bridge, and an /init that mounts proc, sys, devtmpfs, debugfs, prints a
# marker line on the console and runs the bridge on the protocol port.
#
#   tools/kernel/initramfs.sh BRIDGE_BINARY OUT.cpio.gz
#
# The archive is built once per content (bridge, busybox, this script) under
# <cache>/initramfs/<sha256-12>.cpio.gz and copied to OUT.cpio.gz. Prints the
# path of OUT.cpio.gz on stdout; progress on stderr.
#
# What /init does (see tools/kernel/README.md for the contract):
#   1. mounts proc, sysfs, devtmpfs on /dev, debugfs, tmpfs on /tmp and
#      hugetlbfs on /dev/hugepages;
#   2. prints `ls -l /dev/iommu /dev/vfio/vfio` and a line
#      "IOMMUFD-CONFORMANCE: guest up ..." to the console (ttyS0), binds
#      qemu's edu PCI device to vfio-pci (its no-IOMMU cdev, with
#      vfio.enable_unsafe_noiommu_mode=1) and lists /dev/vfio/devices;
#   3. waits (up to 10 s) for the protocol port, /dev/$conformance_port
#      (default hvc0, the virtio console; ttyS1 also works), puts it in raw
#      mode without echo, prints the marker line
#      "IOMMUFD-CONFORMANCE: bridge starting on /dev/hvc0" and runs /bridge
#      with stdin and stdout on the port and stderr on the console;
#   4. when the bridge exits, prints "IOMMUFD-CONFORMANCE: bridge exited
#      with status N" and powers the machine off (poweroff -f).
# Arguments after "--" on the kernel command line are passed to /bridge; a
# kernel parameter NAME=VALUE without a dot reaches it as an environment
# variable (the kernel's rule for init).
#
# Environment:
#   IOMMUFD_CONFORMANCE_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/iommufd-conformance)
#   BUSYBOX                    busybox binary to use (default /bin/busybox, from busybox-static)
set -euo pipefail

# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
usage() { printf 'usage: %s BRIDGE_BINARY OUT.cpio.gz\n' "$prog" >&2; exit 2; }

[[ $# -eq 2 ]] || usage
bridge=$1
out=$2
[[ -f $bridge ]] || die "bridge binary $bridge not found"
[[ -n $out && $out != */ ]] || usage

for tool in cpio gzip sha256sum find sort touch; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run tools/kernel/install-deps.sh as root)"
done

busybox=${BUSYBOX:-/bin/busybox}
[[ -x $busybox ]] || die "$busybox not found: install busybox-static (tools/kernel/install-deps.sh)"

# Both binaries must be static: the guest has no dynamic loader or libc.
is_static() {
  local f=$1 magic
  magic=$(head -c 4 "$f" | od -An -c | tr -d ' \n')
  [[ $magic == '177ELF' ]] || return 2
  local info
  # Whole output first: grep -q on a pipe could SIGPIPE the writer, which
  # pipefail would turn into a wrong answer.
  if command -v readelf >/dev/null 2>&1; then
    info=$(LC_ALL=C readelf -lW "$f" 2>/dev/null) || return 2
    [[ $info != *'Requesting program interpreter'* ]]
  elif command -v file >/dev/null 2>&1; then
    info=$(file -L "$f")
    [[ $info != *'dynamically linked'* ]]
  else
    return 0
  fi
}
check_static() {
  local rc=0
  is_static "$1" || rc=$?
  case $rc in
    0) ;;
    2) die "$1 is not an ELF binary" ;;
    *) die "$1 is dynamically linked; the guest has no libc (link it statically)" ;;
  esac
}
check_static "$busybox"
check_static "$bridge"

icache=$cache_root/initramfs
mkdir -p "$icache" || die "cannot create $icache"

self=${BASH_SOURCE[0]}
key=$( { sha256sum <"$bridge"; sha256sum <"$busybox"; sha256sum <"$self"; } | sha256sum | cut -c1-12)
cached=$icache/$key.cpio.gz

publish() {
  local dir
  dir=$(dirname -- "$out")
  mkdir -p -- "$dir" || die "cannot create $dir"
  if [[ ! -e $out ]] || ! cmp -s "$cached" "$out"; then
    if ! { cp -- "$cached" "$out.tmp.$$" && mv -f -- "$out.tmp.$$" "$out"; }; then
      rm -f -- "$out.tmp.$$"
      die "cannot write $out"
    fi
  fi
  printf '%s\n' "$out"
}

if [[ -s $cached ]]; then
  note "cached: $cached"
  publish
  exit 0
fi

note "packing busybox ($busybox) and bridge ($bridge), key $key"
stage=$(mktemp -d "$icache/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/root
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,root,usr/bin,usr/sbin}

cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
# One symlink per applet, the way `busybox --install -s` would make them.
"$busybox" --list-full | while IFS= read -r applet; do
  [[ -n $applet && $applet != bin/busybox ]] || continue
  [[ -e $root/$applet || -L $root/$applet ]] && continue
  mkdir -p "$root/$(dirname "$applet")"
  ln -s /bin/busybox "$root/$applet"
done
[[ -L $root/bin/sh ]] || ln -s /bin/busybox "$root/bin/sh"

cp "$bridge" "$root/bridge"
chmod 0755 "$root/bridge"

cat >"$root/init" <<'INIT'
#!/bin/sh
# /init of the iommufd-conformance guest (written by tools/kernel/initramfs.sh).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /dev/hugepages && mount -t hugetlbfs hugetlbfs /dev/hugepages

say() { echo "IOMMUFD-CONFORMANCE: $*"; }
halt() {
  sync
  poweroff -f
  reboot -f
  sleep 1000000
}

say "guest up, kernel $(uname -r), cmdline: $(cat /proc/cmdline)"
ls -l /dev/iommu /dev/vfio/vfio
grep -E '^Huge(Pages_Total|pagesize)' /proc/meminfo

# The edu PCI device (vendor 0x1234, device 0x11e8) goes to vfio-pci, which
# gives it the no-IOMMU cdev /dev/vfio/devices/noiommu-vfioN (7.x kernels).
for d in /sys/bus/pci/devices/*; do
  [ "$(cat "$d/vendor" 2>/dev/null)" = 0x1234 ] && [ "$(cat "$d/device" 2>/dev/null)" = 0x11e8 ] || continue
  echo vfio-pci >"$d/driver_override" && echo "${d##*/}" >/sys/bus/pci/drivers_probe
done
ls -l /dev/vfio/devices 2>/dev/null

port=/dev/${conformance_port:-hvc0}
i=0
while [ ! -c "$port" ] && [ $i -lt 100 ]; do
  sleep 0.1
  i=$((i + 1))
done
if [ ! -c "$port" ]; then
  say "ERROR: protocol port $port did not appear; powering off"
  halt
fi
# Raw bytes both ways: no echo, no CR/LF translation, no line length limit.
# fd 3 keeps the port open from here on: the hvc driver resets the termios
# when the last user closes the tty, so stty and the bridge must share one
# open. Bytes that arrive before stty has run may still be echoed or cooked:
# the host writes only after the marker line below.
if ! exec 3<>"$port"; then
  say "ERROR: cannot open $port; powering off"
  halt
fi
if ! stty raw -echo -echoe -echok -echoctl -echoke <&3; then
  say "ERROR: cannot set $port to raw mode; powering off"
  halt
fi

say "bridge starting on $port"
/bridge "$@" <&3 >&3 3>&-
status=$?
say "bridge exited with status $status"
halt
INIT
chmod 0755 "$root/init"

# Fixed times and owners, sorted names: the same inputs give the same bytes.
find "$root" -exec touch -h -d @0 {} +

# A first archive with /dev and /dev/console (a device node needs no root
# when written by hand), then the tree; the kernel unpacks both.
newc_entry() {  # name mode nlink rdevmajor rdevminor
  local name=$1 mode=$2 nlink=$3 rmaj=$4 rmin=$5 namesize hdr pad
  namesize=$((${#name} + 1))
  hdr=$(printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
    0 "$mode" 0 0 "$nlink" 0 0 0 0 "$rmaj" "$rmin" "$namesize" 0)
  printf '%s%s\0' "$hdr" "$name"
  pad=$(( (4 - (110 + namesize) % 4) % 4 ))
  head -c "$pad" /dev/zero
}
tmp_out=$(mktemp "$icache/.tmp.$key.XXXXXX")
{
  {
    newc_entry dev $((0040755)) 2 0 0
    newc_entry dev/console $((0020600)) 1 5 1
    newc_entry 'TRAILER!!!' 0 1 0 0
  }
  (cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible)
} | gzip -9 -n >"$tmp_out" || { rm -f "$tmp_out"; die "cpio/gzip failed"; }
chmod 0644 "$tmp_out"
mv -f "$tmp_out" "$cached"
note "packed $cached ($(stat -c %s "$cached") bytes)"
publish
