// What the backend says it implements (BackendInfo.ioctls, every ioctl of
// spec/ when it says nothing): a scenario about a kernel built with or
// without an option runs only on a backend of that kind, and is not
// applicable on the others.
import { Given } from '@cucumber/cucumber';
import { BackendSkipped } from '../harness/backend/interface.ts';
import type { IommufdWorld } from './support/world.ts';

function implementsIoctl(w: IommufdWorld, ioctl: string): boolean {
  const known = w.backend.info.ioctls;
  return !known || known.includes(ioctl);
}

Given('the backend implements {ioctl}', function (this: IommufdWorld, ioctl: string) {
  if (!implementsIoctl(this, ioctl)) throw new BackendSkipped(`not applicable: the backend does not implement ${ioctl}`);
});

Given('the backend does not implement {ioctl}', function (this: IommufdWorld, ioctl: string) {
  if (implementsIoctl(this, ioctl)) throw new BackendSkipped(`not applicable: the backend implements ${ioctl}`);
});
