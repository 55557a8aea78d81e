// Errno numbers the engine returns, taken from spec/errno.json by name.
import { errno } from '../spec/loader/load.ts';

export const EPERM = errno('EPERM');
export const ENOENT = errno('ENOENT');
export const EBADF = errno('EBADF');
export const ENOMEM = errno('ENOMEM');
export const EFAULT = errno('EFAULT');
export const EBUSY = errno('EBUSY');
export const EINVAL = errno('EINVAL');
export const ENOTTY = errno('ENOTTY');
export const E2BIG = errno('E2BIG');
export const ENODEV = errno('ENODEV');
export const EOPNOTSUPP = errno('EOPNOTSUPP');
export const EMFILE = errno('EMFILE');
export const ENOSYS = errno('ENOSYS');
export const EIO = errno('EIO');
export const EEXIST = errno('EEXIST');
export const ENOSPC = errno('ENOSPC');
export const EDEADLK = errno('EDEADLK');
export const EBADE = errno('EBADE');
export const EOVERFLOW = errno('EOVERFLOW');
export const EBADFD = errno('EBADFD');
export const EMSGSIZE = errno('EMSGSIZE');
export const EADDRINUSE = errno('EADDRINUSE');
export const ESPIPE = errno('ESPIPE');
export const ENXIO = errno('ENXIO');
export const ERANGE = errno('ERANGE');
