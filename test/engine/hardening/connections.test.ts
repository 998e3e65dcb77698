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

test('stalled connections are closed by the request timeout and the connection cap keeps descriptors free', async (t) => {
  const engine = await startEngineProcess(t, ['--request-timeout', '0.5', '--max-connections', '20']);
  const host = `127.0.0.1:${engine.port}`;
  const sockets: Socket[] = [];
  for (const stall of Object.values(STALLS)) {
    for (let n = 0; n < 20; n++) {
      const socket = connect(engine.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('connect', () => stall(socket, host));
      sockets.push(socket);
    }
  }
  t.after(() => sockets.forEach((socket) => socket.destroy()));
  // The engine closes every one of them: over the cap at once, the others when their time is up.
  // (events.once would reject on the resets, so wait for 'close' alone.)
  await Promise.all(
    sockets.map((socket) =>
      socket.closed ? undefined : new Promise((resolve) => socket.once('close', resolve)),
    ),
  );

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
