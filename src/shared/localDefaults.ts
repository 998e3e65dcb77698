/** Where local state lives (engine database, run history, data root) unless --state-dir says otherwise. */
export const DEFAULT_STATE_DIR = '.personalize-retrain';

/** The `engine` command's port; `serve`'s API takes the next one. */
export const DEFAULT_ENGINE_PORT = 8317;
export const DEFAULT_SERVE_PORT = 8318;
