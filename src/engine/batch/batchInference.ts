import { posix } from 'node:path';
import type { DatasourceResolver } from '../context.js';
import { resolveDataLocation, type ObjectKind } from '../data/datasources.js';
import { openDataDestination } from '../data/dataDestinations.js';
import { ImportError } from '../data/importErrors.js';
import { parseS3Location } from '../data/s3Location.js';
import { Recommender } from '../train/recommender.js';
import type { TrainedModel } from '../train/model.js';
import { BatchLineFilter, type BatchFilterRequest } from './batchFilter.js';
import { scoreBatchLines, type BatchScoring, type InputLine } from './batchLines.js';

/** Batch input is JSON lines; a prefix takes every such object under it. */
export const JSON_LINES_OBJECTS: ObjectKind = { suffixes: ['.json', '.jsonl'], noun: 'JSON lines' };

/** Lines read before they are scored and written, so output is written in large pieces. */
const LINES_PER_BATCH = 512;

/** Failure reasons name at most this many bad lines; every one is in its output line's `error`. */
const LISTED_FAILURES = 5;

export interface BatchInferenceRequest extends BatchScoring {
  readonly inputPath: string;
  readonly outputPath: string;
  /** The job's filter, applied to every line with the line's own `filterValues`. */
  readonly filter?: BatchFilterRequest;
}

export interface BatchInferenceResult {
  readonly lines: number;
  readonly failedLines: number;
  /** The reason the job failed (some lines unusable, nothing to score); absent when every line was scored. */
  readonly failureReason?: string;
}

/**
 * Reads every input object, scores each line with the model, and writes `<output prefix><input
 * name>.out` for each, one output line per input line. Lines the recipe cannot use are written with
 * their error and counted; the job then fails with a reason that says how many and names the first
 * few by line number, but the good lines' recommendations are all written.
 */
export async function runBatchInference(
  model: TrainedModel,
  request: BatchInferenceRequest,
  datasources: DatasourceResolver,
): Promise<BatchInferenceResult> {
  const output = parseS3Location(request.outputPath);
  if (!output?.isPrefix) throw new ImportError(`${request.outputPath} is not an S3 prefix ending in /.`);
  const recommender = new Recommender(model);
  const input = await resolveDataLocation(request.inputPath, datasources, JSON_LINES_OBJECTS);
  const filter = BatchLineFilter.open(request.filter, model);
  let lines = 0;
  let failedLines = 0;
  const failures: string[] = [];
  try {
    for (const object of input.objects) {
      const name = posix.basename(parseS3Location(object.uri)?.key ?? 'input');
      const destination = openDataDestination(output.bucket, `${output.key}${name}.out`, datasources);
      const pending: InputLine[] = [];
      const flush = () => {
        for (const scored of scoreBatchLines(recommender, pending, request, filter)) {
          lines += 1;
          if (scored.failed) {
            failedLines += 1;
            if (failures.length < LISTED_FAILURES) failures.push(`${object.uri} ${scored.error ?? ''}`);
          }
          destination.write(`${scored.text}\n`);
        }
        pending.length = 0;
      };
      try {
        await readLines(object.read(), (text, number) => {
          pending.push({ text, number });
          if (pending.length >= LINES_PER_BATCH) flush();
        });
        flush();
        await destination.commit();
      } catch (error) {
        destination.abort();
        throw error;
      }
    }
  } finally {
    input.close();
    filter?.close();
  }
  if (lines === 0) {
    return {
      lines,
      failedLines,
      failureReason: `${request.inputPath} has no input lines; put one JSON object per line.`,
    };
  }
  if (failedLines === 0) return { lines, failedLines };
  return {
    lines,
    failedLines,
    failureReason: failureReason(lines, failedLines, failures, request.outputPath),
  };
}

function failureReason(lines: number, failed: number, listed: readonly string[], outputPath: string): string {
  const more = failed > listed.length ? `; ${failed - listed.length} more` : '';
  return (
    `${failed} of ${lines} input lines could not be used; the other ${lines - failed} were scored and written ` +
    `under ${outputPath}, and each bad line's output carries its error: ${listed.join('; ')}${more}.`
  );
}

/** Calls `onLine` for each non-blank line with its 1-based line number; a UTF-8 byte order mark is skipped. */
async function readLines(
  chunks: AsyncIterable<Buffer>,
  onLine: (line: string, lineNumber: number) => void,
): Promise<void> {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  let pending = '';
  let lineNumber = 0;
  const take = (text: string) => {
    lineNumber += 1;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line.trim() !== '') onLine(line, lineNumber);
  };
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    let start = 0;
    while (newline !== -1) {
      take(pending.slice(start, newline));
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending !== '') take(pending);
}
