// The real kernel as a backend: a Linux kernel built from Debian's source
// package with IOMMUFD and IOMMUFD_TEST, booted under qemu with the native
// bridge as its only program; the wire protocol runs over a virtio console
// that qemu exposes as a unix socket. Everything is built on first use and
// cached outside the repository (tools/kernel/).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';
import { ProcessBackend, killGroup, killOnExit, type LineChannel } from './process.ts';
import { onLines, overlongReason } from './lines.ts';

/** The line /init prints on the console when the bridge is about to read its port. */
export const BRIDGE_READY = 'IOMMUFD-CONFORMANCE: bridge starting on';
const BOOT_TIMEOUT_MS = 180_000;

function runScript(argv: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', (e) => reject(new Error(`${what}: ${e.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').at(-1) ?? '') : reject(new Error(`${what} failed (exit ${code})`))));
  });
}

const prepared = new Map<string, Promise<{ kernel: string; initramfs: string }>>();

/** Builds (or finds in the cache) the kernel, the static bridge and the initramfs. */
export function prepareVm(version: string): Promise<{ kernel: string; initramfs: string }> {
  let p = prepared.get(version);
  if (!p) {
    p = (async () => {
      process.stderr.write(`kernel-${version}: preparing the kernel (built once, then cached)\n`);
      const kernel = await runScript(['bash', 'tools/kernel/build.sh', version], `building Linux ${version}`);
      await runScript(['npm', 'run', '-s', 'build:bridge:static'], 'building the static bridge');
      const initramfs = await runScript(['bash', 'tools/kernel/initramfs.sh', join(PROJECT_ROOT, 'build', 'iommufd-bridge-static'), join(PROJECT_ROOT, 'build', 'initramfs.cpio.gz')], 'making the initramfs');
      return { kernel, initramfs };
    })();
    prepared.set(version, p);
    p.catch(() => prepared.delete(version));
  }
  return p;
}

function waitForConsole(log: string, qemu: ChildProcess, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (existsSync(log) && readFileSync(log, 'utf8').includes(BRIDGE_READY)) return resolve();
      if (qemu.exitCode !== null) return reject(new Error(`qemu exited (${qemu.exitCode}) before the bridge was ready:\n${tail(log)}`));
      if (Date.now() > deadline) return reject(new Error(`the VM did not get ready within ${BOOT_TIMEOUT_MS / 1000} s:\n${tail(log)}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

function tail(log: string, n = 4096): string {
  try { return readFileSync(log, 'utf8').slice(-n); } catch { return '(no console log)'; }
}

/** Boots a VM and returns the line channel to its bridge. */
export async function vmChannel(version: string): Promise<LineChannel> {
  const { kernel, initramfs } = await prepareVm(version);
  const dir = mkdtempSync(join(tmpdir(), 'iommufd-vm-'));
  const sock = join(dir, 'proto.sock');
  const log = `${sock}.console.log`;
  // In its own process group: the KVM probe's qemu as well as the VM's go with it.
  const qemu = spawn('bash', ['tools/kernel/boot.sh', kernel, initramfs, sock], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let qemuErr = '';
  qemu.stderr!.on('data', (d: Buffer) => { qemuErr = (qemuErr + d.toString()).slice(-4096); });
  let exited = false;
  qemu.on('exit', () => { exited = true; });
  const kill = () => {
    forget();
    if (!exited) killGroup(qemu.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  // Never leave a VM running behind the harness, whichever way it ends (signals included).
  const forget = killOnExit(kill);
  try {
    await waitForConsole(log, qemu, Date.now() + BOOT_TIMEOUT_MS);
  } catch (e) {
    kill();
    throw new Error(`${(e as Error).message}\n${qemuErr}`);
  }
  const socket: Socket = connect(sock);
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  return {
    send: (line) => { socket.write(`${line}\n`); },
    onLine: (cb, broken) => { onLines(socket, cb, { onOverlong: (n) => broken(overlongReason(n)) }); },
    onClose: (cb) => {
      socket.on('close', () => cb('closed its port'));
      qemu.on('exit', (code, signal) => cb(`VM exited (${signal ?? code})`));
    },
    // The bridge's stderr goes to the VM console.
    stderr: () => tail(log),
    kill: () => { socket.destroy(); kill(); },
  };
}

export function kernelBackend(version: string, timeoutMs: number): ProcessBackend {
  return new ProcessBackend({ name: `kernel-${version}`, timeoutMs, connect: () => vmChannel(version) });
}
