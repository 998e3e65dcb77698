import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeDirectory } from '../../src/shared/makeDirectory.js';
import { makeTempDir } from '../support/engine.js';

test('makeDirectory creates every missing level, and fails at once where a level cannot be made (/proc)', (t) => {
  const dir = makeTempDir('pr-mkdir-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const deep = join(dir, 'a', 'b', 'c');
  makeDirectory(deep);
  assert.ok(existsSync(deep));
  makeDirectory(deep);
  assert.throws(() => makeDirectory('/proc/nope/deeper'), { code: 'ENOENT' });
});
