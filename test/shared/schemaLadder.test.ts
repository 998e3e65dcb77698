import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserFacingError } from '../../src/shared/errors.js';
import { climbSchemaLadder, type Migration } from '../../src/shared/schemaLadder.js';
import { makeTempDir } from '../support/engine.js';

const ladder: readonly Migration[] = [
  { version: 1, description: 'notes', up: (db) => db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY)`) },
  { version: 2, description: 'note text', up: (db) => db.exec(`ALTER TABLE notes ADD COLUMN text TEXT`) },
];

function columns(db: Database.Database): string[] {
  return (db.prepare(`PRAGMA table_info(notes)`).all() as { name: string }[]).map((c) => c.name);
}

test('a new file climbs every step and records the newest version; opening again runs nothing', () => {
  const db = new Database(':memory:');
  assert.deepEqual(climbSchemaLadder(db, ladder, 'test.sqlite'), { from: 0, to: 2 });
  assert.equal(db.pragma('user_version', { simple: true }), 2);
  assert.deepEqual(columns(db), ['id', 'text']);
  assert.deepEqual(climbSchemaLadder(db, ladder, 'test.sqlite'), { from: 2, to: 2 });
});

test('a file of an earlier version climbs only the steps above it', () => {
  const db = new Database(':memory:');
  climbSchemaLadder(db, ladder.slice(0, 1), 'test.sqlite');
  db.prepare(`INSERT INTO notes (id) VALUES (7)`).run();
  assert.deepEqual(climbSchemaLadder(db, ladder, 'test.sqlite'), { from: 1, to: 2 });
  assert.deepEqual(db.prepare(`SELECT id, text FROM notes`).all(), [{ id: 7, text: null }]);
});

test('a step that throws leaves the file exactly as it was, version included', () => {
  const path = join(makeTempDir('pr-ladder-'), 'test.sqlite');
  const db = new Database(path);
  climbSchemaLadder(db, ladder.slice(0, 1), path);
  const broken: Migration = {
    version: 2,
    description: 'half done',
    up: (d) => {
      d.exec(`ALTER TABLE notes ADD COLUMN text TEXT`);
      throw new Error('disk on fire');
    },
  };
  assert.throws(() => climbSchemaLadder(db, [ladder[0]!, broken], path), /disk on fire/);
  assert.equal(db.pragma('user_version', { simple: true }), 1);
  assert.deepEqual(columns(db), ['id']);
});

test('a file written by a newer release is refused with a message that says what to do', () => {
  const db = new Database(':memory:');
  db.pragma('user_version = 9');
  assert.throws(
    () => climbSchemaLadder(db, ladder, '/state/engine.sqlite'),
    (error: unknown) =>
      error instanceof UserFacingError &&
      error.exitCode === 2 &&
      /\/state\/engine\.sqlite has schema version 9.*up to 2.*newer release/s.test(error.message),
  );
});

test('a ladder with a gap is a programming error caught before any step runs', () => {
  const db = new Database(':memory:');
  assert.throws(() => climbSchemaLadder(db, [ladder[1]!], 'x'), /version 2; expected 1/);
  assert.equal(db.pragma('user_version', { simple: true }), 0);
});
