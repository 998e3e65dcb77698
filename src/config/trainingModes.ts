import type { Schedule } from './schedule.js';

/** How a solution version trains: `FULL` from all the data, `UPDATE` from the latest model with new items. */
export type TrainingMode = 'FULL' | 'UPDATE';

export const TRAINING_MODES: readonly TrainingMode[] = ['FULL', 'UPDATE'];

/**
 * The recipes whose solutions may train with `trainingMode` `UPDATE`, after the service's
 * CreateSolutionVersion reference: User-Personalization and the legacy HRNN-Coldstart. Every other
 * recipe (User-Personalization-v2 included) trains FULL only.
 */
export const UPDATE_RECIPES: readonly string[] = ['aws-user-personalization', 'aws-hrnn-coldstart'];

/** Whether a recipe ARN (`arn:aws:personalize:::recipe/<name>`) names a recipe that can UPDATE. */
export function recipeCanUpdate(recipeArn: string): boolean {
  return UPDATE_RECIPES.some((name) => recipeArn.endsWith(`:recipe/${name}`));
}

/** Why a solution of this recipe cannot take the pipeline's UPDATE trainings, or undefined when it can. */
export function updateRefusal(recipeArn: string): { message: string; fix: string } | undefined {
  if (recipeCanUpdate(recipeArn)) return undefined;
  return {
    message: `the solution's recipe ${recipeArn} cannot train with trainingMode UPDATE (only ${UPDATE_RECIPES.join(' and ')} can).`,
    fix: 'remove UpdateRate and TrainingMode=UPDATE: every run of this solution must train FULL.',
  };
}

/** One schedule of a pipeline and the training mode its runs ask for in their execution input. */
export interface Cadence {
  /** `retraining` (RetrainingRate) or `update` (UpdateRate). */
  readonly name: 'retraining' | 'update';
  readonly schedule: Schedule;
  readonly trainingMode: TrainingMode;
}

/**
 * The schedules a pipeline runs on: RetrainingRate, whose runs train with TrainingMode, and with
 * UpdateRate a second one whose runs train UPDATE. With UpdateRate the RetrainingRate runs are the
 * FULL retrains the service advises between updates, whatever TrainingMode says (TrainingMode then
 * only sets the mode of runs started without one, such as `run` without `--training-mode`).
 * `serve`'s scheduler and the CDK stack's schedules both come from this list.
 */
export function cadences(config: {
  readonly retrainingRate: Schedule;
  readonly updateRate?: Schedule;
  readonly trainingMode: TrainingMode;
}): Cadence[] {
  if (!config.updateRate)
    return [{ name: 'retraining', schedule: config.retrainingRate, trainingMode: config.trainingMode }];
  return [
    { name: 'retraining', schedule: config.retrainingRate, trainingMode: 'FULL' },
    { name: 'update', schedule: config.updateRate, trainingMode: 'UPDATE' },
  ];
}
