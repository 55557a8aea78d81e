// The run's cucumber message stream, kept as messages.ndjson beside its
// reports: every view (conformance.json, JUnit, Markdown, the HTML pages) is
// rendered from it alone, so `iommufd-conform report` can render them again
// without running anything. What cucumber does not know (the backend, the
// expectations applied, an interruption) travels in the same stream as
// attachments of the test run under RUN_INFO_MEDIA_TYPE.
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { Envelope } from '@cucumber/messages';
import type { Expectation } from './expectations.ts';
import { tempName } from './files.ts';

export const NDJSON_NAME = 'messages.ndjson';
export const RUN_INFO_MEDIA_TYPE = 'application/x.iommufd-conformance.run+json';

/** What a run adds to cucumber's messages. A later attachment adds to (overrides) an earlier one. */
export interface RunInfo {
  backend?: string;
  notModelled?: string[];
  expectations?: Expectation[];
  interrupted?: NodeJS.Signals;
  /** What the backend said it is in its start exchange. */
  implementation?: Implementation;
}

export interface Implementation { name: string; version: string; kernel: string; available: boolean; reason?: string }

/** Appends each envelope to a temporary file as it comes (an interrupted run keeps what ran); close() renames it into place. */
export class NdjsonWriter {
  private fd: number;
  private readonly tmp: string;
  private runStartedId?: string;
  private pendingInfo: RunInfo[] = [];

  constructor(private readonly path: string) {
    this.tmp = tempName(path);
    this.fd = openSync(this.tmp, 'w');
  }

  write = (e: Envelope): void => {
    if (this.fd < 0) return;
    writeSync(this.fd, `${JSON.stringify(e)}\n`);
    if (e.testRunStarted) {
      this.runStartedId = e.testRunStarted.id;
      for (const info of this.pendingInfo.splice(0)) this.info(info);
    }
  };

  /** Records run information; before cucumber's testRunStarted it waits for it (the attachment names the run). */
  info(info: RunInfo): void {
    if (this.fd < 0) return;
    if (this.runStartedId === undefined) { this.pendingInfo.push(info); return; }
    this.write({ attachment: { body: JSON.stringify(info), contentEncoding: 'IDENTITY' as never, mediaType: RUN_INFO_MEDIA_TYPE, testRunStartedId: this.runStartedId } });
  }

  close(): void {
    if (this.fd < 0) return;
    for (const info of this.pendingInfo.splice(0)) writeSync(this.fd, `${JSON.stringify({ attachment: { body: JSON.stringify(info), contentEncoding: 'IDENTITY', mediaType: RUN_INFO_MEDIA_TYPE } })}\n`);
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.path);
  }
}

/** The envelopes of a kept stream; a last line cut short (a killed run) is dropped. */
export function readNdjson(path: string): Envelope[] {
  if (!existsSync(path)) throw new Error(`${path}: no such file (a run keeps its message stream there)`);
  const out: Envelope[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try { out.push(JSON.parse(line) as Envelope); } catch (e) {
      if (i < lines.length - 2) throw new Error(`${path}:${i + 1}: not a JSON message: ${(e as Error).message}`);
    }
  });
  return out;
}

/** The run information of a stream, later attachments overriding earlier ones. */
export function runInfoOf(envelopes: readonly Envelope[]): RunInfo {
  const info: RunInfo = {};
  for (const e of envelopes) if (e.attachment?.mediaType === RUN_INFO_MEDIA_TYPE) Object.assign(info, JSON.parse(e.attachment.body));
  return info;
}
