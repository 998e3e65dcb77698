import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { assertAnswersAndStops, startEngineProcess } from '../../support/engineProcess.js';
import { createDataset, importCsv, putObject } from '../../support/imports.js';

type Stall = (socket: Socket, host: string) => void;

/** The ways a client can hold a connection without finishing a request. */
const STALLS: Record<string, Stall> = {
  'headers, then part of the body': (socket, host) =>
    socket.write(
      `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-amz-json-1.1\r\n` +
        'X-Amz-Target: AmazonPersonalize.ListDatasetGroups\r\nContent-Length: 1000\r\n\r\n{"a":',
    ),
  'part of the headers': (socket, host) => socket.write(`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Le`),
  'nothing at all': () => undefined,
};

/**
 * Resolves true when the engine closes its side (the client sees the end of the stream), or false
 * after `ms`. The socket must be flowing: an answer the engine sends before closing (a 408, say)
 * would otherwise sit unread in the client's buffer, and the end would never be seen.
 */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.readableEnded || socket.closed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const closed = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('end', closed);
    socket.once('close', closed);
  });
}

test('stalled connections are closed by the request timeout and the connection cap keeps descriptors free', async (t) => {
  const engine = await startEngineProcess(t, ['--request-timeout', '0.5', '--max-connections', '20']);
  const host = `127.0.0.1:${engine.port}`;
  const sockets: { socket: Socket }[] = [];
  for (const stall of Object.values(STALLS)) {
    for (let n = 0; n < 20; n++) {
      const entry = { socket: connect(engine.port, '127.0.0.1') };
      entry.socket.on('error', () => undefined);
      entry.socket.resume();
      entry.socket.on('connect', () => stall(entry.socket, host));
      sockets.push(entry);
    }
  }
  t.after(() => sockets.forEach(({ socket }) => socket.destroy()));
  // The engine closes them: over the cap at once, the others when their 0.5 s are up. The wait is
  // generous for a loaded machine and ends as soon as the last one is closed.
  const closed = await Promise.all(sockets.map(({ socket }) => closedWithin(socket, 60_000)));
  const open = closed.filter((isClosed) => !isClosed).length;
  t.diagnostic(`${sockets.length - open} of ${sockets.length} stalled connections closed by the engine`);
  assert.equal(open, 0, `${open} stalled connections were left open`);
  sockets.forEach(({ socket }) => socket.destroy());

  const datasetArn = await createDataset(engine.personalize);
  putObject(
    engine.dataRoot,
    'shop',
    'e.csv',
    'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu1,i1,1700000000,click\n',
  );
  const job = await importCsv(engine.personalize, datasetArn, 's3://shop/e.csv');
  assert.equal(job.status, 'ACTIVE', job.failureReason);
  await assertAnswersAndStops(engine);
});
