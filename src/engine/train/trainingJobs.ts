import { randomBytes } from 'node:crypto';
import { capMessage } from '../../shared/echo.js';
import type { EngineContext, TrainingGate } from '../context.js';
import { readDatasetTable } from '../data/datasetTable.js';
import { appendRows, type RecordedRow } from '../data/recordedRows.js';
import { groupDatasets } from '../store/datasetGroupContents.js';
import { allRecordedEvents, listRecords } from '../store/recordedDataRecords.js';
import { INTERRUPTED } from '../store/recovery.js';
import type { SolutionRecord } from '../store/solutionRecords.js';
import {
  completeSolutionVersion,
  readSolutionVersionModel,
  transitionSolutionVersion,
} from '../store/solutionVersionRecords.js';
import type { DatasetTable } from './datasetTable.js';
import type { EventWeighting } from './interactionMatrix.js';
import { findRecipe } from './recipeCatalog.js';
import type { TrainingMode, TrainingRequest } from './trainSolution.js';
import { TrainingStoppedError } from './trainingControl.js';
import { startTrainingRun } from './trainingWorkerClient.js';
import { syncCampaignsToLatest } from '../serve/campaignRollout.js';

/** Solution version ARNs add an id to the solution's, as the service's do. */
export function newSolutionVersionArn(solutionArn: string): string {
  return `${solutionArn}/${randomBytes(4).toString('hex')}`;
}

/**
 * The group's datasets by type, for the trainer; Interactions must hold data. Events recorded through
 * PutEvents join the Interactions data and items put with PutItems the Items data, so the next
 * training uses them.
 */
export function trainingTables(
  ctx: EngineContext,
  datasetGroupArn: string,
): { interactions?: DatasetTable; items?: DatasetTable } {
  const datasets = groupDatasets(ctx.db, datasetGroupArn);
  const tables: { interactions?: DatasetTable; items?: DatasetTable } = {};
  const interactions = datasets.get('INTERACTIONS');
  if (interactions) {
    const recorded = allRecordedEvents(ctx.db, interactions.arn).map((event) => ({
      ...event.properties,
      USER_ID: event.userId,
      ITEM_ID: event.itemId,
      TIMESTAMP: event.timestamp,
      EVENT_TYPE: event.eventType,
      EVENT_VALUE: event.eventValue,
    }));
    const table = appendRows(readDatasetTable(ctx.db, interactions.arn), recorded, interactions.fields);
    if (table && table.rowCount > 0) tables.interactions = table;
  }
  const items = datasets.get('ITEMS');
  if (items) {
    const recorded = listRecords(ctx.db, items.arn).map((record) => ({
      ...record.properties,
      ITEM_ID: record.id,
    }));
    const table = appendRows(readDatasetTable(ctx.db, items.arn), recorded as RecordedRow[], items.fields);
    if (table && table.rowCount > 0) tables.items = table;
  }
  return tables;
}

/**
 * Trains a solution version off the request path, in a worker thread, moving it through the
 * service's statuses; StopSolutionVersionCreation reaches the worker through `ctx.trainingRuns`.
 */
export async function runTraining(
  ctx: EngineContext,
  solution: SolutionRecord,
  versionArn: string,
  trainingMode: TrainingMode,
  previousVersionArn: string | undefined,
): Promise<void> {
  // Queued work does not start during shutdown.
  if (ctx.shuttingDown()) {
    transitionSolutionVersion(
      ctx.db,
      versionArn,
      ['CREATE PENDING'],
      'CREATE FAILED',
      ctx.now(),
      INTERRUPTED,
    );
    return;
  }
  // A version stopped while still pending is CREATE STOPPED already: nothing to train.
  if (!transitionSolutionVersion(ctx.db, versionArn, ['CREATE PENDING'], 'CREATE IN_PROGRESS', ctx.now()))
    return;
  let timedOut = false;
  const started = performance.now();
  try {
    if (ctx.trainingGate) await holdAtGate(ctx, ctx.trainingGate, versionArn);
    const recipe = findRecipe(solution.recipeArn);
    if (!recipe) throw new Error(`recipe ${solution.recipeArn} is not supported`);
    const tables = trainingTables(ctx, solution.datasetGroupArn);
    if (!tables.interactions)
      throw new Error('the dataset group has no interactions data: import some first');
    const config = solution.solutionConfig ?? {};
    const threshold = config['eventValueThreshold'];
    const previousModel = previousVersionArn
      ? readSolutionVersionModel(ctx.db, previousVersionArn)
      : undefined;
    const request: TrainingRequest = {
      algorithm: recipe.algorithm,
      interactions: tables.interactions,
      ...(tables.items ? { items: tables.items } : {}),
      hyperParameters: (config['algorithmHyperParameters'] as Record<string, string> | undefined) ?? {},
      ...(solution.eventType ? { eventType: solution.eventType } : {}),
      ...(typeof threshold === 'string' ? { eventValueThreshold: Number(threshold) } : {}),
      ...eventWeightsOf(config),
      trainingMode,
      ...(previousModel ? { previousModel } : {}),
    };
    // A stuck worker is terminated within half the shutdown bound, so shutdown ends in time.
    const run = startTrainingRun(request, { stopGraceMs: Math.min(2000, ctx.limits.shutdownMs / 2) });
    ctx.trainingRuns.set(versionArn, run);
    const limit = setTimeout(() => {
      timedOut = true;
      run.stop();
    }, ctx.limits.trainingMs);
    const outcome = await run.outcome.finally(() => {
      clearTimeout(limit);
      ctx.trainingRuns.delete(versionArn);
    });
    const hours = (performance.now() - started) / 3_600_000;
    if (
      !completeSolutionVersion(ctx.db, versionArn, outcome.model, outcome.metrics ?? null, hours, ctx.now())
    ) {
      // The stop request arrived after the last check inside the worker: the stop wins, as asked.
      transitionSolutionVersion(ctx.db, versionArn, ['CREATE STOPPING'], 'CREATE STOPPED', ctx.now());
    } else if (trainingMode === 'FULL') syncCampaignsToLatest(ctx, solution.arn);
  } catch (error) {
    // A stop someone asked for ends as asked, even if the worker failed on its way out.
    if (transitionSolutionVersion(ctx.db, versionArn, ['CREATE STOPPING'], 'CREATE STOPPED', ctx.now()))
      return;
    // Otherwise a stop came from the engine shutting down: the training was interrupted, as after a crash.
    const reason = timedOut
      ? `The training ran longer than the engine's limit of ${ctx.limits.trainingMs / 1000} s ` +
        '(engine --training-timeout); train on less data or raise the limit.'
      : error instanceof TrainingStoppedError
        ? INTERRUPTED
        : error instanceof Error
          ? capMessage(error.message)
          : capMessage(String(error));
    transitionSolutionVersion(ctx.db, versionArn, ['CREATE IN_PROGRESS'], 'CREATE FAILED', ctx.now(), reason);
  }
}

/** `solutionConfig.eventsConfig.eventParametersList`: per event type, a weight and a value threshold. */
function eventWeightsOf(config: Record<string, unknown>): { eventWeights?: EventWeighting[] } {
  const list = (config['eventsConfig'] as { eventParametersList?: unknown } | undefined)?.eventParametersList;
  if (!Array.isArray(list)) return {};
  const eventWeights = (list as Record<string, unknown>[]).flatMap((entry) =>
    typeof entry['eventType'] === 'string'
      ? [
          {
            eventType: entry['eventType'],
            ...(typeof entry['weight'] === 'number' ? { weight: entry['weight'] } : {}),
            ...(typeof entry['eventValueThreshold'] === 'number'
              ? { eventValueThreshold: entry['eventValueThreshold'] }
              : {}),
          },
        ]
      : [],
  );
  return eventWeights.length > 0 ? { eventWeights } : {};
}

/**
 * Waits at the test gate. A stop (or the engine closing) aborts the gate's signal; the training then
 * ends as stopped once the gate lets go, which a gate that ignores the signal never does (a crash test
 * uses that to leave a stop requested but unfinished).
 */
async function holdAtGate(ctx: EngineContext, gate: TrainingGate, versionArn: string): Promise<void> {
  const held = new AbortController();
  ctx.trainingRuns.set(versionArn, { stop: () => held.abort() });
  try {
    await gate(versionArn, held.signal);
  } catch (error) {
    if (!held.signal.aborted) throw error;
  } finally {
    ctx.trainingRuns.delete(versionArn);
  }
  if (held.signal.aborted) throw new TrainingStoppedError();
}
