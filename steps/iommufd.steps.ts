// Opening iommufds and calling ioctls with tables of fields.
import { Given, When, type DataTable } from '@cucumber/cucumber';
import type { IommufdWorld } from './support/world.ts';

Given('an open iommufd', async function (this: IommufdWorld) {
  await this.openIommufd();
});

Given('another open iommufd as {var}', async function (this: IommufdWorld, name: string) {
  await this.openIommufd(name);
});

Given('an iommufd opened from {string} as {var}', async function (this: IommufdWorld, path: string, name: string) {
  await this.openIommufd(name, path);
});

When('I call {ioctl} with:', async function (this: IommufdWorld, ioctl: string, table: DataTable) {
  const def = this.ioctlDef(ioctl);
  await this.call(def, { bytes: this.encodeTable(def, table.raw()) });
});

When('I call {ioctl} on {var} with:', async function (this: IommufdWorld, ioctl: string, fd: string, table: DataTable) {
  const def = this.ioctlDef(ioctl);
  await this.call(def, { bytes: this.encodeTable(def, table.raw()) }, fd);
});

When('I call {ioctl} with no fields set', async function (this: IommufdWorld, ioctl: string) {
  const def = this.ioctlDef(ioctl);
  await this.call(def, { bytes: this.encodeTable(def, []) });
});

When('I call {ioctl} with the integer argument {word}', async function (this: IommufdWorld, ioctl: string, expr: string) {
  await this.call(this.ioctlDef(ioctl), { value: this.value(expr) });
});

// The descriptor number itself, for fields that take a file descriptor (a file that is no memfd, for instance).
Given('the descriptor number of {var} as {var}', function (this: IommufdWorld, fd: string, name: string) {
  this.vars.set(name, BigInt(this.fd(fd)));
});
