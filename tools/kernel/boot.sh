#!/usr/bin/env bash
# Boots the test kernel under qemu with the protocol port on a unix socket.
#
#   tools/kernel/boot.sh BZIMAGE INITRAMFS SOCKET_PATH [-- BRIDGE_ARG...]
#
# Runs in the foreground (the caller backgrounds it) and ends when the VM
# does: the bridge exits and the guest powers off, the guest panics, or qemu
# gets SIGTERM/SIGINT. After the KVM probe the script execs qemu, so its pid
# is qemu's pid. Exit status: qemu's (0 after a power-off).
#
#   protocol port  guest /dev/hvc0 (virtio console) <-> unix socket SOCKET_PATH,
#                  qemu listening (server=on,wait=off); or guest /dev/ttyS1
#                  (second 8250 UART) with IOMMUFD_CONFORMANCE_PORT=serial
#   console        guest ttyS0 -> SOCKET_PATH.console.log (truncated at start)
#   ready          the socket accepts connections as soon as it exists (before
#                  the guest boots; what is written early waits in qemu). The
#                  guest is up when the console log has a line starting with
#                  "IOMMUFD-CONFORMANCE: bridge starting on ".
#
# Arguments after "--" go to the bridge (through the kernel command line).
#
# Environment:
#   IOMMUFD_CONFORMANCE_ACCEL    auto (default: KVM if a quick probe boot works, else TCG), kvm, tcg
#   IOMMUFD_CONFORMANCE_PORT     virtio (default) or serial
#   IOMMUFD_CONFORMANCE_MEM      guest memory (default 2G)
#   IOMMUFD_CONFORMANCE_APPEND   extra kernel command-line parameters
#   IOMMUFD_CONFORMANCE_TIMEOUT  if set, qemu is killed (SIGTERM, then SIGKILL 5 s later) after so many seconds
#   IOMMUFD_CONFORMANCE_QEMU     qemu binary (default qemu-system-x86_64)
#   IOMMUFD_CONFORMANCE_CACHE    cache root, holds the KVM probe result for this host boot
#   IOMMUFD_CONFORMANCE_DRY_RUN  if 1, print the qemu command line instead of running it
set -euo pipefail

# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
usage() { printf 'usage: %s BZIMAGE INITRAMFS SOCKET_PATH [-- BRIDGE_ARG...]\n' "$prog" >&2; exit 2; }

[[ $# -ge 3 ]] || usage
kernel=$1 initrd=$2 sock=$3
shift 3
bridge_args=()
if [[ $# -gt 0 ]]; then
  [[ $1 == -- ]] || usage
  shift
  bridge_args=("$@")
fi

qemu=${IOMMUFD_CONFORMANCE_QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null 2>&1 || die "$qemu not found (run tools/kernel/install-deps.sh as root)"
[[ -f $kernel && -r $kernel ]] || die "kernel $kernel not found"
[[ -f $initrd && -r $initrd ]] || die "initramfs $initrd not found"

# sun_path holds 108 bytes with the terminating NUL.
[[ ${#sock} -le 107 ]] || die "socket path is ${#sock} bytes; unix sockets allow at most 107: $sock"
[[ $sock != *,* ]] || die "socket path must not contain a comma (qemu option syntax): $sock"
sock_dir=$(dirname -- "$sock")
[[ -d $sock_dir ]] || die "directory $sock_dir does not exist"
if [[ -e $sock || -L $sock ]]; then
  [[ -S $sock ]] || die "$sock exists and is not a socket; not removing it"
  rm -f -- "$sock"
fi
log=$sock.console.log
[[ $log != *,* ]] || die "console log path must not contain a comma: $log"
rm -f -- "$log"

mem=${IOMMUFD_CONFORMANCE_MEM:-2G}
port_kind=${IOMMUFD_CONFORMANCE_PORT:-virtio}
case $port_kind in
  virtio)
    guest_port=hvc0
    # shellcheck disable=SC2054 # the commas are qemu's, inside one word
    port_opts=(-serial "file:$log"
      -device virtio-serial-pci
      -chardev "socket,id=proto,path=$sock,server=on,wait=off"
      -device virtconsole,chardev=proto)
    ;;
  serial)
    guest_port=ttyS1
    # shellcheck disable=SC2054
    port_opts=(-serial "file:$log"
      -chardev "socket,id=proto,path=$sock,server=on,wait=off"
      -serial chardev:proto)
    ;;
  *) die "IOMMUFD_CONFORMANCE_PORT must be virtio or serial, not '$port_kind'" ;;
esac

# --- Accelerator -----------------------------------------------------------

# KVM is used only when a real boot of this kernel under it reaches the
# kernel's own panic (no init given) within a few seconds: a broken or nested
# KVM can make qemu abort or hang. The result is kept for this host boot.
kvm_works() {
  [[ -r /dev/kvm && -w /dev/kvm ]] || return 1
  local dir boot_id qver key f out rc=0
  dir=$cache_root/qemu
  boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
  qver=$("$qemu" --version 2>/dev/null | head -n 1)
  key=$(printf '%s\n%s\n%s\n' "$boot_id" "$qver" "$(command -v "$qemu")" | sha256sum | cut -c1-16)
  f=$dir/kvm-probe-$key
  if [[ -f $f ]]; then
    [[ $(<"$f") == ok ]]
    return
  fi
  mkdir -p "$dir" 2>/dev/null || true
  out=$(mktemp)
  note "probing KVM (up to 8 s)"
  # In a subshell, so that the shell's "Aborted" notice goes nowhere either.
  ( timeout -k 2 8 "$qemu" -accel kvm -cpu host -smp 1 -m 128M -nodefaults -nographic -no-reboot \
      -serial "file:$out" -kernel "$kernel" \
      -append "console=ttyS0 panic=-1 rdinit=/nonexistent init=/nonexistent" \
      </dev/null >/dev/null 2>&1; exit $? ) 2>/dev/null || rc=$?
  local result=fail
  if [[ $rc -eq 0 ]] && grep -q 'Kernel panic' "$out"; then
    result=ok
  fi
  rm -f "$out"
  if printf '%s\n' "$result" 2>/dev/null >"$f.$$"; then
    mv -f "$f.$$" "$f" 2>/dev/null || rm -f "$f.$$"
  fi
  [[ $result == ok ]]
}

accel_mode=${IOMMUFD_CONFORMANCE_ACCEL:-auto}
case $accel_mode in
  tcg) accel=(-accel tcg -cpu max) ;;
  kvm) accel=(-accel kvm -cpu host) ;;
  auto)
    if kvm_works; then
      accel=(-accel kvm -cpu host)
    else
      accel=(-accel tcg -cpu max)
    fi
    ;;
  *) die "IOMMUFD_CONFORMANCE_ACCEL must be auto, kvm or tcg, not '$accel_mode'" ;;
esac

# --- Command line ----------------------------------------------------------

# vfio.enable_unsafe_noiommu_mode=1: the edu device below, bound to vfio-pci by
# /init, gets a no-IOMMU cdev (there is no IOMMU in this VM).
append="console=ttyS0 hugepages=128 panic=-1 vfio.enable_unsafe_noiommu_mode=1 conformance_port=$guest_port"
[[ -n ${IOMMUFD_CONFORMANCE_APPEND:-} ]] && append+=" $IOMMUFD_CONFORMANCE_APPEND"
if [[ ${#bridge_args[@]} -gt 0 ]]; then
  for a in "${bridge_args[@]}"; do
    [[ $a =~ ^[A-Za-z0-9_./:=,+@%-]+$ ]] || die "bridge argument '$a' has characters the kernel command line cannot carry"
  done
  append+=" -- ${bridge_args[*]}"
fi

cmd=("$qemu" "${accel[@]}" -smp 1 -m "$mem" -machine pc -nodefaults -nographic -no-reboot
  -kernel "$kernel" -initrd "$initrd" -append "$append"
  -device edu
  "${port_opts[@]}")

timeout_s=${IOMMUFD_CONFORMANCE_TIMEOUT:-}
if [[ -n $timeout_s ]]; then
  [[ $timeout_s =~ ^[0-9]+$ && $timeout_s -gt 0 ]] || die "IOMMUFD_CONFORMANCE_TIMEOUT must be a positive number of seconds"
  cmd=(timeout -k 5 "$timeout_s" "${cmd[@]}")
fi

if [[ ${IOMMUFD_CONFORMANCE_DRY_RUN:-0} == 1 ]]; then
  printf '%q ' "${cmd[@]}"
  printf '\n'
  exit 0
fi

note "starting ${accel[1]} VM: protocol /dev/$guest_port <-> $sock, console -> $log"
exec "${cmd[@]}" </dev/null
