import { ConfigError, loadPipelineConfig, type PipelineConfig } from '../config/pipelineConfig.js';
import { formatIssue } from '../config/parametersFile.js';
import { selectPipeline, type PipelineSelection } from '../config/pipelineSelection.js';
import { UserFacingError } from '../shared/errors.js';
import { ExitCodes } from './exitCodes.js';

/** Selects and loads the pipeline a command works on; a bad file is the user's to fix, exit 2. */
export function loadSelectedPipeline(flags: { params?: string; stackName?: string }): {
  selection: PipelineSelection;
  config: PipelineConfig;
} {
  const selection = selectPipeline(flags);
  try {
    return { selection, config: loadPipelineConfig(selection.paramsFile) };
  } catch (error) {
    if (error instanceof ConfigError) {
      const count = error.issues.length;
      throw new UserFacingError(
        `${selection.paramsFile} has ${count} problem${count === 1 ? '' : 's'}:\n` +
          error.issues.map((issue) => `  ${formatIssue(issue)}`).join('\n'),
        ExitCodes.InvalidInput,
      );
    }
    throw error;
  }
}
