// Newline-delimited messages from a byte stream. Both ends of the protocol
// split every reply and request this way; node:readline does the same with
// more machinery per line, which a round trip per call makes count.
import type { Readable } from 'node:stream';

/**
 * The longest line either end accepts, in characters: the protocol's largest
 * hex buffer (32 MiB, spec/protocol/wire-v1.schema.json) and room for the rest
 * of the message. A peer writing more without a newline is broken; without a
 * bound it would grow one string until the runtime gives up.
 */
export const MAX_LINE = 32 * 1024 * 1024 + 64 * 1024;

export interface LineOptions {
  /** Called once the input ends (not after an overlong line). */
  onEnd?: () => void;
  /** Called once with the length seen when a line exceeds maxLine; the input is then ignored. */
  onOverlong?: (length: number) => void;
  maxLine?: number;
}

/** Describes an overlong line for an error message. */
export function overlongReason(length: number, maxLine = MAX_LINE): string {
  return `a line longer than ${maxLine} characters (${length} without a newline)`;
}

/** Calls onLine with each line (without its CR LF or LF); a line over maxLine ends the reading. */
export function onLines(input: Readable, onLine: (line: string) => void, opts: LineOptions | (() => void) = {}): void {
  const { onEnd, onOverlong, maxLine = MAX_LINE } = typeof opts === 'function' ? { onEnd: opts } : opts;
  // The pieces of the unfinished line, joined once it ends: no quadratic concatenation.
  let rest: string[] = [];
  let restLength = 0;
  let over = false;
  const emit = (line: string) => onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  const data = (chunk: string) => {
    if (over) return;
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      if (restLength + nl - start > maxLine) return overflow(restLength + nl - start);
      const piece = chunk.slice(start, nl);
      const line = restLength ? rest.join('') + piece : piece;
      rest = [];
      restLength = 0;
      start = nl + 1;
      emit(line);
      if (over) return;
    }
    if (start < chunk.length) {
      rest.push(chunk.slice(start));
      restLength += chunk.length - start;
      if (restLength > maxLine) overflow(restLength);
    }
  };
  const overflow = (length: number) => {
    over = true;
    rest = [];
    restLength = 0;
    input.off('data', data);
    input.resume(); // keep draining so the writer is not blocked on a full pipe until it is killed
    onOverlong?.(length);
  };
  input.setEncoding('utf8');
  input.on('data', data);
  input.on('end', () => {
    if (over) return;
    if (restLength) emit(rest.join(''));
    rest = [];
    restLength = 0;
    onEnd?.();
  });
}
