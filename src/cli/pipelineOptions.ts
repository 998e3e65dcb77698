import type { Command } from 'commander';
import { DEFAULT_STATE_DIR } from '../shared/localDefaults.js';

export interface PipelineFlags {
  readonly params?: string;
  readonly stackName?: string;
  readonly stateDir: string;
  readonly json?: boolean;
}

/** The options every pipeline command shares, with the same wording everywhere. */
export function withPipelineOptions(command: Command): Command {
  return command
    .option('--params <file>', 'parameters file (default: $PARAMS_FILE, else parameters.cfg)')
    .option('--stack-name <name>', 'pipeline name (default: $STACK_NAME, else personalize-retraining)')
    .option('--state-dir <dir>', 'where local state lives (engine and run history)', DEFAULT_STATE_DIR);
}
