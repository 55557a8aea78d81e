// IOMMU_IOAS_CHANGE_PROCESS: after fork() (or exec) the pinned pages of
// every IOAS of the context are charged to the calling task. Only mappings
// of files can move: a user VA means nothing in another mm.
import { EINVAL, ENOMEM, EOPNOTSUPP } from './errno.ts';
import type { IoasObject } from './ioas.ts';
import { PagesAccount, charge, type IoptPages } from './pages.ts';
import type { Task } from './task.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';

/**
 * need_charge_update: whether the charge of pages is held by someone else than task.
 * Pages pinned with CAP_IPC_LOCK (mode NONE) charge no locked_vm but still
 * count in VmPin of their mm, so they move too: the documented transfer of
 * the pinned counts. Linux skips them and then uncharges the new mm for
 * pages the old one was charged with (a kernel bug: expectations/kernel.json).
 */
function needsMove(pages: IoptPages, task: Task): boolean {
  switch (pages.accountMode) {
    case PagesAccount.NONE: return pages.source.mm !== task.mm;
    case PagesAccount.MM: return pages.source.mm !== task.mm;
    default: return pages.user !== task.user || pages.source.mm !== task.mm;
  }
}

/** Every iopt_pages of every IOAS (once each), or -EINVAL if one maps user memory. */
function allPages(ioasList: IoasObject[]): Set<IoptPages> | number {
  const all = new Set<IoptPages>();
  for (const ioas of ioasList) {
    for (const id of ioas.iopt.allAreas()) {
      const p = ioas.iopt.areaPages(id)!;
      if (!p.isFile) return -EINVAL;
      all.add(p);
    }
  }
  return all;
}

/** charge_current: the totals by mode onto the calling task, undone on failure. */
function chargeCurrent(task: Task, byMode: number[]): number {
  for (let mode = 0; mode < byMode.length; mode++) {
    if (!byMode[mode]) continue;
    const rc = charge(mode, task, task.user, byMode[mode]!, true);
    if (rc) {
      while (mode-- > 0) if (byMode[mode]) charge(mode, task, task.user, byMode[mode]!, false);
      return rc;
    }
  }
  return 0;
}

const CHANGE_PROCESS = fieldsOf('iommu_ioas_change_process');

function ioasChangeProcess(ucmd: Ucmd): number {
  if (ucmd.u32(CHANGE_PROCESS.__reserved!)) return -EOPNOTSUPP;
  const task = ucmd.task;
  const ioasList = ucmd.ctx.objects.all().filter((o): o is IoasObject => o.type === 'IOAS');
  // The kernel collects the IOASes in an xarray first.
  for (let i = 0; i < ioasList.length; i++) if (ucmd.ctx.fail.shouldFail()) return -ENOMEM;
  const all = allPages(ioasList);
  if (typeof all === 'number') return all;
  const moving = [...all].filter((p) => needsMove(p, task));
  const byMode = [0, 0, 0];
  for (const p of moving) byMode[p.accountMode]! += p.lastNpinned;
  const rc = chargeCurrent(task, byMode);
  if (rc) return rc;
  for (const p of moving) charge(p.accountMode, p.source, p.user, p.npinned, false);
  for (const p of all) { p.source = task; p.user = task.user; }
  return 0;
}

export const handlers = { IOMMU_IOAS_CHANGE_PROCESS: ioasChangeProcess };
