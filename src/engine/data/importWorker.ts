/**
 * Worker-thread entry for one import: parsing and writing run here, with their own connection to the
 * engine's SQLite file (WAL lets the API thread keep reading and answering meanwhile). The commit
 * waits for the API thread's word so that the job's timestamps come from the engine's clock.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/database.js';
import { commitImport, writeImportVersion, type ImportRequest } from './datasetImport.js';
import { dropVersion } from '../store/datasetStorage.js';
import { ImportError } from './importErrors.js';

export interface ImportWorkerData extends ImportRequest {
  readonly databasePath: string;
}

export type ImportWorkerMessage =
  | { readonly type: 'version'; readonly versionId: number }
  | { readonly type: 'written'; readonly rowCount: number }
  | { readonly type: 'committed'; readonly rowCount: number }
  | { readonly type: 'failed'; readonly reason: string };

export interface ImportCommitMessage {
  readonly type: 'commit';
  readonly now: number;
}

const port = parentPort;
if (!port) throw new Error('importWorker.js runs only as a worker thread');
const request = workerData as ImportWorkerData;
const post = (message: ImportWorkerMessage): void => port.postMessage(message);

const db = openDatabase(request.databasePath);
let versionId: number | undefined;
try {
  const written = await writeImportVersion(db, request, (id) => {
    versionId = id;
    post({ type: 'version', versionId: id });
  });
  post({ type: 'written', rowCount: written.rowCount });
  const commit = await new Promise<ImportCommitMessage>((resolve) => port.once('message', resolve));
  commitImport(db, request, written.versionId, commit.now);
  post({ type: 'committed', rowCount: written.rowCount });
} catch (error) {
  if (versionId !== undefined) dropVersion(db, versionId);
  post({
    type: 'failed',
    reason:
      error instanceof ImportError
        ? error.message
        : `The import stopped on an internal error: ${error instanceof Error ? error.message : String(error)}`,
  });
} finally {
  db.close();
}
