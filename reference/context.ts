// The state of one open iommufd (struct iommufd_ctx): its objects and
// options. Object files name this type; the dispatch table (main.ts) imports
// the object files, so the type lives here, below both, with no circle.
import { TEST_KERNEL, type KernelConfig } from './config.ts';
import { FailNth } from './fail.ts';
import type { IoasObject } from './ioas.ts';
import { ObjectTable } from './object.ts';
import { observeCtx } from './observe.ts';
import type { PinLedger } from './pages.ts';
import type { File } from './process.ts';
import type { Task } from './task.ts';

/** The calling process's open files, as fget() sees them. */
export interface FileTable {
  file(fd: number): File | undefined;
  installFile(file: File): number;
  close(fd: number): number;
}

/** Pages are charged to the user (0) or to the process (1), per IOMMU_OPTION_RLIMIT_MODE. */
export const enum AccountMode { USER = 0, MM = 1 }

export class IommufdCtx {
  readonly objects: ObjectTable;
  accountMode: AccountMode;
  vfioIoas?: IoasObject;

  /** fail, pins and config belong to the engine (the opening process and its children), not to the file. */
  constructor(readonly fail: FailNth, readonly pins: PinLedger, vfioContainer = false, readonly config: KernelConfig = TEST_KERNEL) {
    this.objects = new ObjectTable(fail);
    // /dev/vfio/vfio defaults to the accounting VFIO itself uses.
    this.accountMode = vfioContainer ? AccountMode.MM : AccountMode.USER;
  }

  /** Set once the file is closed; files the engine made (accesses) may still hold the context. */
  closed = false;

  /** All observable state: objects with ids, types and contents, and the accounting of every task involved. */
  observe(...tasks: Task[]): string {
    return observeCtx(this, tasks);
  }

  /** Files the engine made that hold the whole context (iommufd_ctx_get of an event queue's file). */
  fileRefs = 0;

  /** The file's release(): every object goes, leaves first; deferred while an event queue's file holds the context. */
  release(): void {
    this.closed = true;
    if (this.fileRefs) return;
    this.objects.destroyAll();
    this.vfioIoas = undefined;
  }

  /** iommufd_ctx_put of such a file: the last one finishes a release the iommufd's close began. */
  putFileRef(): void {
    if (--this.fileRefs === 0 && this.closed) this.release();
  }
}
