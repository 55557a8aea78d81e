// Newline-delimited messages from a byte stream. Both ends of the protocol
// split every reply and request this way; node:readline does the same with
// more machinery per line, which a round trip per call makes count.
import type { Readable } from 'node:stream';

/** Calls onLine with each line (without its CR LF or LF), then onEnd once the input ends. */
export function onLines(input: Readable, onLine: (line: string) => void, onEnd?: () => void): void {
  let rest = '';
  const emit = (line: string) => onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      const line = rest + chunk.slice(start, nl);
      rest = '';
      start = nl + 1;
      emit(line);
    }
    rest += chunk.slice(start);
  });
  input.on('end', () => {
    if (rest) emit(rest);
    rest = '';
    onEnd?.();
  });
}
