// `iommufd-conform serve`: the reference engine as a wire-protocol server on
// standard input and output. Also the entry of the serve bundle (bin/bundle.mjs).
import { serve } from '../backend/server.ts';
import { ReferenceBackend } from '../backend/reference.ts';

export async function serveMain(): Promise<number> {
  await serve(new ReferenceBackend(), process.stdin, process.stdout);
  return 0;
}
