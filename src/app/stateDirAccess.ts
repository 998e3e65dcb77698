import { accessSync, constants, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DatasourceRoot } from '../pipeline/runner/datasourceObjects.js';
import type { Logger } from 'pino';
import type { EngineOptions, RunningEngine } from '../engine/engine.js';
import { isProcessAlive } from '../pipeline/executions/recovery.js';
import { InvalidInputError, StateDirOwnedError } from '../shared/errors.js';
import { makeDirectory } from '../shared/makeDirectory.js';
import {
  isOwnerLockHeld,
  readOwnerRecord,
  tryAcquireOwnerLock,
  type OwnerLock,
  type OwnerRecord,
} from './ownerLock.js';

/**
 * How a command relates to the state dir's owner:
 * - `required`: it must own the state dir (`serve`, `engine`); another owner is an error naming it.
 * - `if-free`: it owns the state dir when nobody does, else becomes a client of the owner (`run`, ...).
 * - `none`: it neither owns nor needs the owner's engine (`--endpoint`, `--target aws`, read-only queries).
 */
export type Ownership = 'required' | 'if-free' | 'none';

export interface StateDirAccessOptions {
  readonly stateDir: string;
  readonly command: string;
  readonly ownership: Ownership;
  /** Whether a missing state dir is created (commands that write) or left alone (queries). */
  readonly create: boolean;
  /** A Personalize endpoint to use instead of the owner's embedded engine. */
  readonly endpoint?: string;
  readonly logger: Logger;
  /** Options of the embedded engine when this process owns the state dir (tests: timings, gates). */
  readonly engine?: Omit<EngineOptions, 'stateDir' | 'logger'>;
  /** How long a client waits for a starting owner to publish its endpoint. @default 30000 */
  readonly ownerWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * One process's access to a state dir: whether it owns it, the embedded engine it runs as owner
 * (started on first need, so queries never start one), or the owner it is a client of.
 */
export class StateDirAccess {
  readonly stateDir: string;
  /** False when the state dir does not exist and the command must not create it. */
  readonly exists: boolean;
  private lock: OwnerLock | undefined;
  private engine: RunningEngine | undefined;
  private record: OwnerRecord | undefined;
  private clientOf: OwnerRecord | undefined;

  constructor(private readonly options: StateDirAccessOptions) {
    this.stateDir = resolve(options.stateDir);
    this.exists = checkStateDir(this.stateDir, options.create);
    if (!this.exists || options.ownership === 'none') return;
    this.lock = tryAcquireOwnerLock(this.stateDir);
    if (this.lock) {
      this.record = this.lock.publish({
        command: options.command,
        personalizeEndpoint: options.endpoint ?? null,
        apiEndpoint: null,
        datasources: this.ownDatasourceRoot(),
      });
      return;
    }
    const owner = readOwnerRecord(this.stateDir);
    if (options.ownership === 'required') throw ownedError(this.stateDir, owner, options.command);
  }

  get role(): 'owner' | 'client' | 'absent' {
    if (!this.exists) return 'absent';
    return this.lock ? 'owner' : 'client';
  }

  get isOwner(): boolean {
    return this.lock !== undefined;
  }

  /** This process's record when it owns, else the owner's as last read. */
  owner(): OwnerRecord | undefined {
    return this.record ?? this.clientOf ?? readOwnerRecord(this.stateDir);
  }

  /** Publishes the owner's API endpoint (`serve`). */
  publishApi(apiEndpoint: string): void {
    if (!this.lock || !this.record) return;
    this.record = this.lock.publish({ ...this.recordFields(), apiEndpoint });
  }

  /**
   * The Personalize endpoint runs use: the one given, the owner's embedded engine (started here
   * when this process owns), or the endpoint the owner published. A client waits while the owner
   * starts (or while a short-lived owner without an engine finishes) and takes over a lock freed
   * meanwhile.
   */
  /**
   * Whether runs talk to this project's embedded engine (ours, or the owner's) rather than an endpoint
   * the user named: only then may the runner shorten the definition's waits. An owner started with
   * `--endpoint` publishes that endpoint, which a client cannot tell apart; it then waits as on AWS
   * only if it was itself given the endpoint.
   */
  get usesEmbeddedEngine(): boolean {
    return !this.options.endpoint && (this.engine !== undefined || this.clientOf !== undefined);
  }

  async personalizeEndpoint(): Promise<string> {
    if (this.options.endpoint) return this.options.endpoint;
    if (!this.exists) makeDirectory(this.stateDir);
    const deadline = Date.now() + (this.options.ownerWaitMs ?? 30_000);
    for (;;) {
      if (!this.lock && this.options.ownership !== 'none') this.lock = tryAcquireOwnerLock(this.stateDir);
      if (this.lock) return this.startEngine();
      const owner = readOwnerRecord(this.stateDir);
      if (owner?.personalizeEndpoint && isProcessAlive(owner.pid)) {
        this.clientOf = owner;
        return owner.personalizeEndpoint;
      }
      if (Date.now() > deadline) throw ownedError(this.stateDir, owner, this.options.command);
      await (this.options.sleep ?? sleepFor)(50);
    }
  }

  /** Whether this process runs the embedded engine, which clients' runs may be using. */
  get runsEngine(): boolean {
    return this.engine !== undefined;
  }

  /** Whether this process is a client of an owner's embedded engine. */
  get isClient(): boolean {
    return this.clientOf !== undefined;
  }

  /**
   * Why the owner this client chose is no longer there (it stopped, died or was replaced), or
   * undefined while it still is.
   */
  ownerGoneReason(): string | undefined {
    const chosen = this.clientOf;
    if (!chosen) return undefined;
    const now = readOwnerRecord(this.stateDir);
    const gone = now?.token !== chosen.token || !isProcessAlive(chosen.pid) || !ownerLockHeld(this.stateDir);
    return gone ? `the owner of ${this.stateDir} (pid ${chosen.pid}, ${chosen.command}) stopped` : undefined;
  }

  /**
   * Throws when the owner this client chose has stopped (or withdrawn) since: a run must not begin
   * against an engine that is going away.
   */
  assertOwnerStillThere(): void {
    const gone = this.ownerGoneReason();
    if (gone) throw new StateDirOwnedError(`${gone} before this run began; run it again.`);
  }

  /**
   * Where the state dir's engine reads datasources: this owner's engine options, else what the owner
   * published, else the default data root. Runs list datasource metadata there (SkipUnchangedData).
   */
  datasourceRoot(): DatasourceRoot {
    if (this.lock) return this.ownDatasourceRoot();
    return (
      this.clientOf?.datasources ?? readOwnerRecord(this.stateDir)?.datasources ?? this.ownDatasourceRoot()
    );
  }

  private ownDatasourceRoot(): DatasourceRoot {
    const engine = this.options.engine;
    if (engine?.s3Endpoint) return { kind: 's3', endpoint: engine.s3Endpoint };
    return { kind: 'folder', dataRoot: resolve(engine?.dataRoot ?? join(this.stateDir, 'data')) };
  }

  /** Stops publishing the owner record so no new client picks this process. */
  withdraw(): void {
    this.lock?.withdraw();
  }

  async close(): Promise<void> {
    this.lock?.withdraw();
    await this.engine?.close();
    this.engine = undefined;
    this.lock?.release();
    this.lock = undefined;
  }

  private async startEngine(): Promise<string> {
    if (this.engine) return this.engine.url;
    // Loaded on first need: quick commands never pay for the engine's modules.
    const { startEngine } = await import('../engine/engine.js');
    this.engine = await startEngine({
      port: 0,
      ...this.options.engine,
      stateDir: this.stateDir,
      logger: this.options.logger,
    });
    this.record = this.lock?.publish({ ...this.recordFields(), personalizeEndpoint: this.engine.url });
    return this.engine.url;
  }

  private recordFields() {
    return {
      command: this.options.command,
      personalizeEndpoint: this.record?.personalizeEndpoint ?? this.options.endpoint ?? null,
      apiEndpoint: this.record?.apiEndpoint ?? null,
      datasources: this.ownDatasourceRoot(),
    };
  }
}

function ownerLockHeld(stateDir: string): boolean {
  try {
    return isOwnerLockHeld(stateDir);
  } catch {
    // An unreadable lock file tells nothing: the PID and the record decide.
    return true;
  }
}

/** A state dir must be a writable folder; a missing one is created only by commands that write. */
function checkStateDir(stateDir: string, create: boolean): boolean {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(stateDir).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new InvalidInputError(`cannot read the state dir ${stateDir}: ${(error as Error).message}`);
    if (!create) return false;
    try {
      makeDirectory(stateDir);
    } catch (mkdirError) {
      throw new InvalidInputError(
        `cannot create the state dir ${stateDir} (${(mkdirError as NodeJS.ErrnoException).code ?? (mkdirError as Error).message}): ` +
          'pass --state-dir with a folder you can write.',
      );
    }
    isDirectory = true;
  }
  if (!isDirectory)
    throw new InvalidInputError(
      `the state dir ${stateDir} is a file, not a folder: pass --state-dir with a folder.`,
    );
  try {
    accessSync(stateDir, constants.W_OK | constants.R_OK);
  } catch {
    throw new InvalidInputError(
      `the state dir ${stateDir} is not writable by this user: pass --state-dir with a folder you can write.`,
    );
  }
  return true;
}

function ownedError(stateDir: string, owner: OwnerRecord | undefined, command: string): StateDirOwnedError {
  const who = owner
    ? `process ${owner.pid} (${owner.command}, since ${new Date(owner.startedAt).toISOString()})`
    : 'another process';
  return new StateDirOwnedError(
    `${stateDir} is owned by ${who}; ${command} cannot share it. Stop that process` +
      `${owner ? ` (kill ${owner.pid}, or Ctrl-C in its terminal)` : ''} or use another --state-dir.`,
  );
}
