// In-kernel accesses that pin pages (a mediated driver's view of an IOAS):
// pinning and unpinning IOVA ranges, moving the access to another IOAS, and
// the selftest's syzkaller mode, where an IOVA is an area index and an offset.
import { Given, Then, When } from '@cucumber/cucumber';
import { callFields, expectOk, outValue } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

const op = (w: IommufdWorld, name: string) => w.value(`IOMMU_TEST_OP_${name}`);

// $name is the access's file descriptor; the access sets the IOAS's IOVA alignment to a page.
Given('an access to {var} that pins pages as {var}', async function (this: IommufdWorld, ioas: string, name: string) {
  await callFields(this, 'IOMMU_TEST_CMD', {
    op: op(this, 'CREATE_ACCESS'), id: this.value(ioas), 'create_access.flags': this.value('MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES'),
  });
  expectOk(this, `creating a pinning access to ${ioas}`);
  this.vars.set(name, outValue(this, 'create_access.out_access_fd'));
});

async function pin(w: IommufdWorld, access: string, iova: bigint, length: string, flags: string): Promise<void> {
  await callFields(w, 'IOMMU_TEST_CMD', {
    op: op(w, 'ACCESS_PAGES'), id: w.value(access),
    'access_pages.iova': iova, 'access_pages.length': w.value(length), 'access_pages.flags': w.value(flags),
  });
}

// The selftest remembers each pinned range as an item; access_pages.out_access_pages_id names it.
When('I pin {value} bytes at IOVA {value} through {var}', async function (this: IommufdWorld, length: string, iova: string, access: string) {
  await pin(this, access, this.value(iova), length, '0');
});

When('I unpin {var} through {var}', async function (this: IommufdWorld, item: string, access: string) {
  await callFields(this, 'IOMMU_TEST_CMD', {
    op: op(this, 'DESTROY_ACCESS_PAGES'), id: this.value(access), 'destroy_access_pages.access_pages_id': this.value(item),
  });
});

When('I move {var} to {value}', async function (this: IommufdWorld, access: string, ioas: string) {
  await callFields(this, 'IOMMU_TEST_CMD', {
    op: op(this, 'ACCESS_REPLACE_IOAS'), id: this.value(access), 'access_replace_ioas.ioas_id': this.value(ioas),
  });
});

// IOMMU_TEST_OP_MD_CHECK_REFS: the pin count of every page under the user range.
Then('the pages of the {value} bytes at {value} are pinned {int} time(s)', async function (this: IommufdWorld, length: string, at: string, refs: number) {
  await callFields(this, 'IOMMU_TEST_CMD', {
    op: op(this, 'MD_CHECK_REFS'), 'check_refs.uptr': this.value(at), 'check_refs.length': this.value(length), 'check_refs.refs': BigInt(refs),
  });
  expectOk(this, `checking that ${at} is pinned ${refs} time(s)`);
});

// --- MOCK_FLAGS_ACCESS_SYZ: the u64 IOVA is struct { u32 nth_area; u32 offset; } ----------

function syzIova(w: IommufdWorld, area: string, offset: string): bigint {
  return w.value(area) | (w.value(offset) << 32n);
}

When('I pin {value} bytes at offset {value} of area {value} through {var}',
  async function (this: IommufdWorld, length: string, offset: string, area: string, access: string) {
    await pin(this, access, syzIova(this, area, offset), length, 'MOCK_FLAGS_ACCESS_SYZ');
  });

async function rw(w: IommufdWorld, access: string, iova: bigint, length: string, buf: string, flags: string): Promise<void> {
  await callFields(w, 'IOMMU_TEST_CMD', {
    op: op(w, 'ACCESS_RW'), id: w.value(access),
    'access_rw.iova': iova, 'access_rw.length': w.value(length), 'access_rw.uptr': w.value(buf), 'access_rw.flags': w.value(flags),
  });
}

When('I read {value} bytes at offset {value} of area {value} through {var} into {value}',
  async function (this: IommufdWorld, length: string, offset: string, area: string, access: string, buf: string) {
    await rw(this, access, syzIova(this, area, offset), length, buf, 'MOCK_FLAGS_ACCESS_SYZ');
  });

When('I write {value} bytes of {value} at offset {value} of area {value} through {var}',
  async function (this: IommufdWorld, length: string, buf: string, offset: string, area: string, access: string) {
    await rw(this, access, syzIova(this, area, offset), length, buf, 'MOCK_FLAGS_ACCESS_SYZ | MOCK_ACCESS_RW_WRITE');
  });
