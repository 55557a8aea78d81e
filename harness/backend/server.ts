// `iommufd-conform serve`: a backend (the reference engine by default) as a
// wire-protocol server on standard input and output.
import type { Readable, Writable } from 'node:stream';
import { BackendSkipped, type Backend, type LegacyUapiOp, type LegacyUapiVendor, type SysResult } from './interface.ts';
import { onLines, overlongReason } from './lines.ts';
import { PROTOCOL_VERSION, argFromWire, fromHex, fromU64, parseRequest, toHex, u64, type Reply, type Request, type WireResult } from './protocol.ts';

type Handler = (b: Backend, r: Request) => Promise<WireResult>;

type Sys = SysResult & { bytes?: Uint8Array; addr?: bigint; revents?: number; vmPinnedKb?: number; vmLockedKb?: number };

const plain = (r: Sys): WireResult => ({
  ret: r.ret, errno: r.errno,
  ...(r.bytes ? { bytes: toHex(r.bytes) } : {}),
  ...(r.addr !== undefined ? { addr: u64(r.addr) } : {}),
  ...(r.revents !== undefined ? { revents: r.revents } : {}),
  ...(r.vmPinnedKb !== undefined ? { vmPinnedKb: r.vmPinnedKb } : {}),
  ...(r.vmLockedKb !== undefined ? { vmLockedKb: r.vmLockedKb } : {}),
});

/** The optional addr and offset of read and write. */
const rwAt = (r: Request) => ({
  ...(r.addr !== undefined ? { addr: fromU64(r.addr as string) } : {}),
  ...(r.offset !== undefined ? { offset: fromU64(r.offset as string) } : {}),
});

const HANDLERS: Record<string, Handler> = {
  start: async (b) => ({ start: { ...b.info, protocol: PROTOCOL_VERSION } }),
  reset: async (b) => { await b.reset(); return {}; },
  stop: async () => ({}),
  open: async (b, r) => plain(await b.open(r.path as string)),
  close: async (b, r) => plain(await b.close(r.fd as number)),
  ioctl: async (b, r) => plain(await b.ioctl(r.fd as number, r.request as number, argFromWire(r.arg as Record<string, string>))),
  read: async (b, r) => plain(await b.read(r.fd as number, r.length as number, rwAt(r))),
  write: async (b, r) => {
    if ((r.bytes === undefined) === (r.addr === undefined) || (r.addr === undefined) !== (r.length === undefined)) {
      throw new Error('write takes bytes, or addr and length');
    }
    return plain(await b.write(r.fd as number, r.bytes !== undefined ? fromHex(r.bytes as string) : new Uint8Array(r.length as number), rwAt(r)));
  },
  poll: async (b, r) => plain(await b.poll(r.fd as number, r.events as number, r.timeoutMs as number)),
  mmap: async (b, r) => plain(await b.mmap(fromU64(r.length as string), r.prot as number, r.fd as number | undefined, r.offset ? fromU64(r.offset as string) : undefined, r.flags as number | undefined)),
  munmap: async (b, r) => plain(await b.munmap(fromU64(r.addr as string), fromU64(r.length as string))),
  mprotect: async (b, r) => plain(await b.mprotect(fromU64(r.addr as string), fromU64(r.length as string), r.prot as number)),
  memRead: async (b, r) => plain(await b.memRead(fromU64(r.addr as string), r.length as number)),
  memWrite: async (b, r) => plain(await b.memWrite(fromU64(r.addr as string), fromHex(r.bytes as string))),
  memfdCreate: async (b, r) => plain(await b.memfdCreate(r.name as string)),
  ftruncate: async (b, r) => plain(await b.ftruncate(r.fd as number, fromU64(r.length as string))),
  procStatus: async (b, r) => plain(await b.procStatus(r.of as 'self' | 'parent' | undefined)),
  // The wire's u64 0xffffffffffffffff is the interface's -1n (RLIM_INFINITY).
  setMemlockLimit: async (b, r) => plain(await b.setMemlockLimit(BigInt.asIntN(64, fromU64(r.limit as string)))),
  dropCapIpcLock: async (b) => plain(await b.dropCapIpcLock()),
  dropCapSysResource: async (b) => plain(await b.dropCapSysResource()),
  dropCapSysRawio: async (b) => plain(await b.dropCapSysRawio()),
  fork: async (b) => plain(await b.fork()),
  exitChild: async (b) => plain(await b.exitChild()),
  physAddr: async (b, r) => plain(await b.physAddr(fromU64(r.addr as string))),
  legacyUapi: async (b, r) => {
    const arg = argFromWire(r.arg as Record<string, string>);
    if ('value' in arg) throw new Error('legacyUapi takes arg.bytes or arg.addr');
    return plain(await b.legacyUapi(r.op as LegacyUapiOp, arg, r.vendor as LegacyUapiVendor | undefined));
  },
};

/** The seq of a line that is not a valid request, if it has a usable one (else 0). */
function seqOf(msg: unknown): number {
  const s = (msg as { seq?: unknown } | null)?.seq;
  return Number.isInteger(s) && (s as number) >= 0 && (s as number) <= 0xffffffff ? s as number : 0;
}

/** Why a line is not a request: an unknown command is named as such, not as the schema's first complaint. */
function invalid(line: string, why: string): Reply {
  let msg: unknown;
  try { msg = JSON.parse(line); } catch { return { seq: 0, errored: { message: why } }; }
  const cmd = (msg as { cmd?: unknown } | null)?.cmd;
  if (typeof cmd === 'string' && !Object.hasOwn(HANDLERS, cmd)) {
    return { seq: seqOf(msg), errored: { message: `unknown command '${cmd}' (known: ${Object.keys(HANDLERS).join(', ')})` } };
  }
  return { seq: seqOf(msg), errored: { message: why } };
}

/** Answers one request line; errors of the request itself become errored replies. */
export async function answer(backend: Backend, line: string): Promise<{ reply: Reply; stop: boolean }> {
  const req = parseRequest(line);
  if (typeof req === 'string') return { reply: invalid(line, req), stop: false };
  try {
    return { reply: { seq: req.seq, ok: await HANDLERS[req.cmd]!(backend, req) }, stop: req.cmd === 'stop' };
  } catch (e) {
    if (e instanceof BackendSkipped) return { reply: { seq: req.seq, skipped: { reason: e.message } }, stop: false };
    return { reply: { seq: req.seq, errored: { message: (e as Error).message } }, stop: false };
  }
}

/** How serving ended: a stop request, the end of input, or input that broke the protocol. */
export type ServeEnd = 'stopped' | 'ended' | 'broken';

/**
 * Serves requests line by line, in order, until stop or end of input. A line
 * past MAX_LINE gets one errored reply (seq 0: its own seq is unknowable) and
 * ends serving, as the harness ends a backend that writes one.
 */
export function serve(backend: Backend, input: Readable, output: Writable): Promise<ServeEnd> {
  let chain = Promise.resolve();
  let end: ServeEnd | undefined;
  return new Promise((resolve) => {
    const finish = (how: ServeEnd) => {
      if (end) return;
      end = how;
      input.destroy();
      void backend.dispose().then(() => resolve(how));
    };
    onLines(input, (line) => {
      chain = chain.then(async () => {
        if (end) return;
        const { reply, stop } = await answer(backend, line);
        output.write(`${JSON.stringify(reply)}\n`);
        if (stop) finish('stopped');
      });
    }, {
      onEnd: () => { void chain.then(() => finish('ended')); },
      onOverlong: (n) => {
        void chain.then(() => {
          if (end) return;
          output.write(`${JSON.stringify({ seq: 0, errored: { message: `protocol error: the request is ${overlongReason(n)}; serve stops` } })}\n`);
          finish('broken');
        });
      },
    });
  });
}
