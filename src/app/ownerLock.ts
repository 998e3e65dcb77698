import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { DatasourceRoot } from '../pipeline/runner/datasourceObjects.js';

/** Held (an exclusive SQLite lock: a POSIX record lock) by the state dir's owner for as long as it lives. */
export const OWNER_LOCK_FILE = 'owner.lock';
/** Who the owner is and where to reach it; mode 0600 because it holds the owner's token. */
export const OWNER_RECORD_FILE = 'owner.json';

/** What the owner publishes about itself for the other processes on the same state dir. */
export interface OwnerRecord {
  readonly pid: number;
  readonly host: string;
  /** The command that owns the state dir (`serve`, `engine`, `run`, ...). */
  readonly command: string;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  /** The Personalize endpoint the owner serves (its embedded engine) or uses; null for AWS-only work. */
  readonly personalizeEndpoint: string | null;
  /** The owner's application API (`serve`'s loopback port, routes under /api/), if it has one. */
  readonly apiEndpoint: string | null;
  /** Where the owner's engine reads datasources (absent in records of earlier releases: `<state dir>/data`). */
  readonly datasources?: DatasourceRoot;
  /** Mutating API calls must send it (`Authorization: Bearer <token>`); only readable by the file's user. */
  readonly token: string;
}

/** The lock a process holds while it owns a state dir. */
export interface OwnerLock {
  readonly token: string;
  readonly startedAt: number;
  /** Publishes (or updates) the owner record once the owner's endpoints are known. */
  publish(record: Omit<OwnerRecord, 'pid' | 'host' | 'token' | 'startedAt'>): OwnerRecord;
  /** Withdraws the record so no new client picks this owner; the lock itself is still held. */
  withdraw(): void;
  /** Withdraws the record and releases the lock. */
  release(): void;
}

/**
 * Tries to become the owner of `stateDir`. Returns undefined when another process holds the lock.
 *
 * Why SQLite: Node has no flock/fcntl API, but SQLite's exclusive lock is a POSIX record lock on the
 * file. The kernel grants it to exactly one process however many race for it in the same
 * millisecond, and drops it when the holder dies, even by `kill -9`: a stale lock is taken over
 * simply by the next process that asks, and the stale record is overwritten.
 */
export function tryAcquireOwnerLock(stateDir: string): OwnerLock | undefined {
  const db = new Database(join(stateDir, OWNER_LOCK_FILE), { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw error;
  }
  const token = randomBytes(24).toString('base64url');
  const startedAt = Date.now();
  const recordPath = join(stateDir, OWNER_RECORD_FILE);
  let released = false;
  return {
    token,
    startedAt,
    publish(fields) {
      const record: OwnerRecord = { pid: process.pid, host: hostname(), startedAt, token, ...fields };
      const temporary = `${recordPath}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
      renameSync(temporary, recordPath);
      return record;
    },
    withdraw() {
      if (readOwnerRecord(stateDir)?.token === token) rmSync(recordPath, { force: true });
    },
    release() {
      if (released) return;
      released = true;
      this.withdraw();
      db.close();
    },
  };
}

/**
 * Whether some process holds the owner lock now, asked without taking it: a read transaction needs
 * SQLite's shared lock, which the owner's exclusive lock keeps out. Catches an owner that died but
 * whose PID still answers (a zombie its parent has not reaped yet).
 */
export function isOwnerLockHeld(stateDir: string): boolean {
  const db = new Database(join(stateDir, OWNER_LOCK_FILE), { timeout: 0, fileMustExist: true });
  try {
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    db.close();
  }
}

/** The published owner record, if there is a readable one (it may be stale: check the lock too). */
export function readOwnerRecord(stateDir: string): OwnerRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(stateDir, OWNER_RECORD_FILE), 'utf8')) as OwnerRecord;
    return typeof record.pid === 'number' && typeof record.token === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}
