import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';

/**
 * A synthetic interactions CSV (USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE) written in 1 MB pieces, so
 * that files of tens of millions of rows never sit in memory. IDs and event types repeat as in real
 * data: 100,000 users, 20,000 items, three event types.
 */
export async function writeInteractionsCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  const events = ['click', 'view', 'purchase'];
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  let piece = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n';
  for (let row = 0; row < rows; row++) {
    piece += `user_${next() % 100_000},item_${next() % 20_000},${1_700_000_000 + row},${events[next() % 3]}\n`;
    if (piece.length > 1 << 20) {
      if (!out.write(piece)) await once(out, 'drain');
      piece = '';
    }
  }
  out.end(piece);
  await once(out, 'finish');
  return out.bytesWritten;
}

/**
 * The baseline the import is compared with: read the same file with a stream and split it into
 * lines and fields, nothing else. Returns the number of data rows.
 */
export async function readAndSplit(path: string): Promise<number> {
  let rows = 0;
  let fields = 0;
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.length === 0) continue;
      fields += line.split(',').length;
      rows++;
    }
  }
  if (rest.length > 0) {
    fields += rest.split(',').length;
    rows++;
  }
  if (fields === 0) throw new Error('baseline read nothing');
  return rows - 1;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
