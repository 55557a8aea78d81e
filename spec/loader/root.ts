// The project's root folder, for tools and scripts the harness runs: the
// nearest folder above this module holding spec/meta. Searching (rather than a
// fixed "../..") lets the same code run bundled from build/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'spec', 'meta'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no spec/meta above ${from}`);
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
