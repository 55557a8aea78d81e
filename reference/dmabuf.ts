// dma-buf files as the selftest exports them (IOMMU_TEST_OP_DMABUF_GET and
// DMABUF_REVOKE) and as IOMMU_IOAS_MAP_FILE imports them
// (iopt_alloc_dmabuf_pages): physical memory that is never pinned or charged,
// whose importer is told to stop using it when the exporter invalidates its
// mappings. iommufd cannot map a dma-buf again, so an invalidation revokes the
// import for good: the domains lose its pages, and what needs them fails.
import { EBADF, EINVAL, ENODEV, ENOMEM } from './errno.ts';
import type { FailNth } from './fail.ts';
import type { FileTable } from './context.ts';
import type { File } from './process.ts';
import { IoptPages, PagesAccount, type PinLedger } from './pages.ts';
import type { Task } from './task.ts';
import { payloadOf, type Ucmd } from './ucmd.ts';
import { PAGE_SIZE } from './usermem.ts';

const PAGE = BigInt(PAGE_SIZE);
/** The selftest exports at most 512 pages. */
const MAX_PAGES = 512;
/** MAX_NPFNS: iopt_alloc_dmabuf_pages refuses lengths of this many pages or more (the pfn count is an unsigned int). */
const MAX_NPFNS = 2n ** 32n - 1n;

/** The selftest's exporter (struct iommufd_test_dma_buf): its size, its revoked flag and its importers. */
export class TestDmaBuf {
  revoked = false;
  /** Imports that get invalidated (dma_buf_dynamic_attach with a move notify). */
  readonly importers = new Set<DmabufImport>();
  constructor(readonly size: number) {}

  /** dma_buf_invalidate_mappings: every live importer revokes. */
  invalidate(): void {
    for (const imp of [...this.importers]) {
      if (imp.pages.kref > 0) imp.revoke();
      else this.importers.delete(imp);
    }
  }
}

/** The dma-buf part of an iopt_pages (pages->dmabuf): the buffer, the page-aligned start in it, and whether it was revoked. */
export class DmabufImport {
  /** phys.len == 0 in the kernel: set by the first invalidation, never cleared. */
  revoked = false;
  pages!: IoptPages;
  constructor(readonly buf: TestDmaBuf, readonly start: bigint) {}

  /** iopt_revoke_notify: the domains stop mapping the pages (they pinned nothing), then the import is dead. */
  revoke(): void { this.revoked = true; }
}

/** dma_buf_get: the selftest's dma-buf behind fd, -EBADF for no file, -EINVAL for another kind of file. */
export function dmabufOf(files: FileTable | undefined, fd: number): TestDmaBuf | number {
  const f = files?.file(fd);
  if (!f) return -EBADF;
  return f.kind === 'engine' && f.owner instanceof TestDmaBuf ? f.owner : -EINVAL;
}

/** True when fd is a dma-buf: iopt_map_file_pages takes the dma-buf path then. */
export function isDmabuf(files: FileTable | undefined, fd: number): boolean {
  return typeof dmabufOf(files, fd) !== 'number';
}

/**
 * iopt_alloc_dmabuf_pages: pages over [start, start + length) of the buffer
 * behind fd (the caller checked it is one), never accounted; -EINVAL past
 * the buffer's end, -ENODEV once the exporter revoked it.
 */
export function dmabufPages(files: FileTable | undefined, fd: number, task: Task, fail: FailNth, pins: PinLedger,
  start: bigint, length: bigint, writable: boolean): IoptPages | number {
  const buf = dmabufOf(files, fd) as TestDmaBuf;
  if (BigInt(buf.size) <= start + length - 1n || length / PAGE >= MAX_NPFNS) return -EINVAL;
  const startByte = Number(start % PAGE);
  // iopt_alloc_pages, then the attachment (dma_buf_dynamic_attach).
  if (fail.shouldFail() || fail.shouldFail()) return -ENOMEM;
  if (buf.revoked) return -ENODEV;
  const npages = Number((BigInt(startByte) + length + PAGE - 1n) / PAGE);
  const pages = new IoptPages(pins, npages, writable, task, 0);
  pages.accountMode = PagesAccount.NONE;
  const imp = new DmabufImport(buf, start - BigInt(startByte));
  imp.pages = pages;
  pages.dmabuf = imp;
  buf.importers.add(imp);
  return pages;
}

/** The dma-buf file of a new export: its release drops nothing the engine tracks (pages keep their import). */
export function dmabufFile(buf: TestDmaBuf): File {
  return { kind: 'engine', name: 'dmabuf:iommufd_test', owner: buf, refs: 1, release: () => undefined };
}

// --- the selftest's ops ----------------------------------------------------

const GET = payloadOf('iommu_test_cmd', 'dmabuf_get');
const REVOKE = payloadOf('iommu_test_cmd', 'dmabuf_revoke');

/** IOMMU_TEST_OP_DMABUF_GET: a zeroed buffer of length rounded up to pages (1 to 512 of them); returns its fd. */
export function dmabufGet(ucmd: Ucmd): number {
  const len = Math.ceil(ucmd.u32(GET.length!) / PAGE_SIZE) * PAGE_SIZE;
  if (len === 0 || len > PAGE_SIZE * MAX_PAGES) return -EINVAL;
  // The private struct, its memory, the export (its file).
  if (ucmd.ctx.fail.shouldFail() || ucmd.ctx.fail.shouldFail() || ucmd.ctx.fail.shouldFail() || !ucmd.files) return -ENOMEM;
  return ucmd.files.installFile(dmabufFile(new TestDmaBuf(len)));
}

/** IOMMU_TEST_OP_DMABUF_REVOKE: sets the exporter's revoked flag, then invalidates every import either way. */
export function dmabufRevoke(ucmd: Ucmd): number {
  const buf = dmabufOf(ucmd.files, ucmd.s32(REVOKE.dmabuf_fd!));
  if (typeof buf === 'number') return buf;
  buf.revoked = ucmd.u32(REVOKE.revoked!) !== 0;
  buf.invalidate();
  return 0;
}
