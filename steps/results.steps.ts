// What the scenario text asserts about the outcome of the last call.
import { Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { outValue as outField } from './support/struct-call.ts';
import type { IommufdWorld } from './support/world.ts';

function outcome(w: IommufdWorld): string {
  const r = w.last.result;
  return r.errno ? `failed with ${w.errnoName(r.errno)}` : `succeeded (returned ${r.ret})`;
}

Then('it succeeds', function (this: IommufdWorld) {
  assert.equal(this.last.result.errno, 0, `${this.last.ioctl.name} ${outcome(this)}, expected success`);
});

Then('it fails with {errno}', function (this: IommufdWorld, name: string) {
  const want = this.spec.errno.get(name);
  assert.ok(want !== undefined, `${name} is not an errno of spec/errno.json`);
  assert.equal(this.last.result.errno, want, `${this.last.ioctl.name} ${outcome(this)}, expected it to fail with ${name}`);
});

Then('it returns {int}', function (this: IommufdWorld, v: number) {
  const r = this.last.result;
  assert.ok(r.errno === 0 && r.ret === v, `${this.last.ioctl.name} ${outcome(this)}, expected it to return ${v}`);
});

Then('{field} is {value}', function (this: IommufdWorld, field: string, expr: string) {
  const got = outField(this, field);
  const want = this.value(expr);
  assert.equal(got, want, `${field} is ${got}, expected ${expr} (${want})`);
});

Then('{field} is not {word}', function (this: IommufdWorld, field: string, expr: string) {
  const got = outField(this, field);
  assert.notEqual(got, this.value(expr), `${field} is ${got}, expected anything but ${expr}`);
});

Then('I remember {field} as {var}', function (this: IommufdWorld, field: string, name: string) {
  this.vars.set(name, outField(this, field));
});

Then('{var} and {var} are different', function (this: IommufdWorld, a: string, b: string) {
  assert.notEqual(this.value(a), this.value(b), `${a} and ${b} are both ${this.value(a)}`);
});

Then('{field} is a multiple of {value}', function (this: IommufdWorld, field: string, expr: string) {
  const got = outField(this, field);
  assert.equal(got % this.value(expr), 0n, `${field} is 0x${got.toString(16)}, not a multiple of ${expr}`);
});
