import type Database from 'better-sqlite3';
import { UserFacingError } from './errors.js';

/**
 * One step of a database's schema history: what turns version `version - 1` into `version`. Steps are
 * never edited once released, only appended, so a file written by any earlier release climbs the
 * same ladder to today's schema.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  up(db: Database.Database): void;
}

/** What `climbSchemaLadder` did: the version the file had and the one it has now. */
export interface LadderClimb {
  readonly from: number;
  readonly to: number;
}

/**
 * Brings `db` to the newest version of `ladder`, recorded in `PRAGMA user_version`. All steps run in
 * one IMMEDIATE transaction, so two processes opening the same new file at once cannot both run a
 * step, and a step that throws leaves the file exactly as it was. A file newer than this release
 * (a downgrade) is refused rather than used with a schema this code does not know.
 */
export function climbSchemaLadder(
  db: Database.Database,
  ladder: readonly Migration[],
  fileLabel: string,
): LadderClimb {
  checkLadder(ladder);
  const newest = ladder.length;
  return db
    .transaction((): LadderClimb => {
      const from = Number(db.pragma('user_version', { simple: true }));
      if (from > newest) {
        throw new UserFacingError(
          `${fileLabel} has schema version ${from}, but this release of personalize-retrain knows versions up to ` +
            `${newest}: it was written by a newer release. Upgrade personalize-retrain, or use another --state-dir.`,
          2,
        );
      }
      for (const step of ladder.slice(from)) step.up(db);
      if (from !== newest) db.pragma(`user_version = ${newest}`);
      return { from, to: newest };
    })
    .immediate();
}

/** A ladder's versions are 1, 2, 3, ... in order: a gap or a duplicate is a programming error. */
function checkLadder(ladder: readonly Migration[]): void {
  ladder.forEach((step, index) => {
    if (step.version !== index + 1) {
      throw new Error(`Schema step ${index} has version ${step.version}; expected ${index + 1}.`);
    }
  });
}
