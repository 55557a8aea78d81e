// The backend of the current run, shared by the command line (which starts it
// early so that it boots while cucumber loads) and the step hooks.
import type { Backend } from './interface.ts';

let shared: Backend | undefined;
let preset: Promise<Backend> | undefined;
export function setBackend(b: Backend | undefined): void { shared = b; }

/** A backend the command line is starting (made and init()ed); the run's hooks take it instead of making one. */
export function presetBackend(started: Promise<Backend>): void {
  started.catch(() => { /* reported by the hooks */ });
  preset = started;
}
/** The backend the command line is starting, without taking it from the hooks. */
export function peekPreset(): Promise<Backend> | undefined { return preset; }
export function takePreset(): Promise<Backend> | undefined {
  const p = preset;
  preset = undefined;
  return p;
}
export function backend(): Backend {
  if (!shared) throw new Error('no backend: the run did not start one');
  return shared;
}
