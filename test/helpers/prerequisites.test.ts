/** A missing test prerequisite fails at once, naming the program and its Debian package. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingProgram, requireProgram } from './prerequisites.js';

test('a program that is not installed is named with the Debian package to install', () => {
  const message = missingProgram('influx', '/nonexistent/bin/influx');
  assert.match(message ?? '', /needs `influx`, which is not installed/);
  assert.match(message ?? '', /apt-get install influxdb-client/);
  assert.throws(() => requireProgram('influxd', '/nonexistent/influxd'), /Debian package influxdb\b/);
});

test('an installed program passes (node itself stands in for one)', () => {
  assert.equal(missingProgram('curl', process.execPath), null);
});
