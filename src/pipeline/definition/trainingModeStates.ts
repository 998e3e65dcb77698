import { TRAINING_MODES } from '../../config/trainingModes.js';
import type { PipelineConfig } from '../../config/pipelineConfig.js';
import type { State } from './asl.js';
import { FAILURE_PATH } from './taskPolicy.js';

export const TRAINING_MODE_START = 'ChooseTrainingMode';

/** Where the run's training mode is once chosen; CreateSolutionVersion reads it from here. */
export const TRAINING_MODE_PATH = '$.TrainingMode';

/**
 * The run's training mode comes from the execution input (`{"TrainingMode": "UPDATE"}`: the
 * UpdateRate schedule, `run --training-mode`), else from the config's TrainingMode (FULL by
 * default). Taking it from the input keeps one definition for both cadences, here and on AWS. Any
 * other value fails the run before it imports anything.
 */
export function trainingModeStates(config: PipelineConfig, next: string): Record<string, State> {
  return {
    [TRAINING_MODE_START]: {
      Type: 'Choice',
      Comment: `The input's TrainingMode (FULL or UPDATE), else ${config.trainingMode}.`,
      Choices: [
        // Absent first: comparing a path that does not exist is a runtime error in Step Functions.
        { Not: { Variable: TRAINING_MODE_PATH, IsPresent: true }, Next: 'DefaultTrainingMode' },
        {
          Or: TRAINING_MODES.map((mode) => ({ Variable: TRAINING_MODE_PATH, StringEquals: mode })),
          Next: next,
        },
      ],
      Default: 'InvalidTrainingMode',
    },
    DefaultTrainingMode: {
      Type: 'Pass',
      Result: config.trainingMode,
      ResultPath: TRAINING_MODE_PATH,
      Next: next,
    },
    InvalidTrainingMode: {
      Type: 'Pass',
      Parameters: {
        Error: 'Pipeline.InvalidTrainingMode',
        // No States.Format of the value: it may be an object, which Format refuses.
        Cause: `The execution input's TrainingMode is neither FULL nor UPDATE (see Given): use one of them, or leave it out to train ${config.trainingMode}.`,
        'Given.$': TRAINING_MODE_PATH,
      },
      ResultPath: '$.Error',
      Next: FAILURE_PATH,
    },
  };
}
