/** The application layer: the one library `cli/` and `web/` call for a state dir. */
export { openRetrainingApp, regionOfArn, type OpenAppOptions } from './retrainingApp.js';
export type { Ownership } from './stateDirAccess.js';
export { OWNER_LOCK_FILE, OWNER_RECORD_FILE, readOwnerRecord, type OwnerRecord } from './ownerLock.js';
export type * from './types.js';
