// The handler of an ioctl whose semantics are not modelled yet. The generic
// rules (size, tail, pointer) have already been applied by main.ts; what is
// left is refused as unsupported, and reports list these ioctls.
import { EOPNOTSUPP } from './errno.ts';
import type { Ucmd } from './ucmd.ts';

export function notImplemented(_ucmd: Ucmd): number {
  return -EOPNOTSUPP;
}
