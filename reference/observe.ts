// Canonical, comparable descriptions of engine state (IommufdCtx.observe)
// and the leak check a process must pass once every file is closed: the
// ground of failure-injection sweeps (a failed call leaves no trace).
import type { IoasObject } from './ioas.ts';
import type { IommufdCtx } from './context.ts';
import type { Process } from './process.ts';
import type { Task } from './task.ts';

function accounting(t: Task): string {
  return `pinned_vm=${t.pinnedVm} locked_vm=${t.lockedVm} user.locked_vm=${t.user.lockedVm}`;
}

/** Objects in id order with their contents, the account mode, then the counters of the tasks charged. */
export function observeCtx(ctx: IommufdCtx, tasks: Task[]): string {
  const out = [`account_mode=${ctx.accountMode} vfio_ioas=${ctx.vfioIoas?.id ?? 0} tombstones=[${ctx.objects.tombstones().join(',')}]`];
  const charged = new Set(tasks);
  for (const obj of ctx.objects.all()) {
    out.push(`#${obj.id} ${obj.type} users=${obj.users} ${obj.describe()}`);
    if (obj.type !== 'IOAS') continue;
    const iopt = (obj as IoasObject).iopt;
    for (const id of iopt.allAreas()) charged.add(iopt.areaPages(id)!.source);
  }
  [...charged].forEach((t, i) => out.push(`task${i} ${accounting(t)}`));
  out.push(`pins=${ctx.pins.total()}`);
  return out.join('\n');
}

/** What a process still holds once all its files are closed: empty when nothing leaked. */
export function leaks(p: Process): string[] {
  const t = p.task;
  const out: string[] = [];
  if (t.pinnedVm) out.push(`VmPin ${t.pinnedVm} pages`);
  if (t.lockedVm) out.push(`VmLck ${t.lockedVm} pages`);
  if (t.user.lockedVm) out.push(`user locked_vm ${t.user.lockedVm} pages`);
  const pins = p.pins.total();
  if (pins) out.push(`${pins} page pins`);
  return out;
}
