import { createServer, type IncomingMessage } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { openExecutionStore, type ExecutionStore } from '../../../src/pipeline/executions/executionStore.js';
import { createLocalNotifier, type Notifier } from '../../../src/pipeline/runner/notifier.js';
import { makeTempDir } from '../../support/engine.js';

type Reply = { status?: number; body: unknown } | { error: string; message: string; status?: number };

/**
 * A Personalize-shaped JSON 1.1 endpoint on 127.0.0.1 answering from a script, for outcomes the engine
 * cannot be made to produce on demand (LimitExceededException, metrics of given values).
 */
export async function startScriptedPersonalize(
  t: Pick<TestContext, 'after'>,
  answer: (operation: string, body: Record<string, unknown>) => Reply,
): Promise<{ url: string; calls: { operation: string; body: Record<string, unknown> }[] }> {
  const calls: { operation: string; body: Record<string, unknown> }[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((text) => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace('AmazonPersonalize.', '');
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      calls.push({ operation, body });
      const reply = answer(operation, body);
      const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
      if ('error' in reply) {
        headers['x-amzn-errortype'] = reply.error;
        response
          .writeHead(reply.status ?? 400, headers)
          .end(JSON.stringify({ __type: reply.error, message: reply.message }));
      } else {
        response.writeHead(reply.status ?? 200, headers).end(JSON.stringify(reply.body));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, calls };
}

/** A webhook on 127.0.0.1 that keeps every JSON body POSTed to it. */
export async function startWebhook(
  t: Pick<TestContext, 'after'>,
  status = 204,
): Promise<{ url: string; received: unknown[] }> {
  const received: unknown[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((text) => {
      received.push(JSON.parse(text));
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hook`, received };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export function tempStore(
  t: Pick<TestContext, 'after'>,
  options: Parameters<typeof openExecutionStore>[1] = {},
): {
  store: ExecutionStore;
  path: string;
} {
  const dir = makeTempDir('pr-runner-');
  const path = join(dir, 'executions.sqlite');
  const store = openExecutionStore(path, options);
  t.after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, path };
}

export function silentNotifier(url?: string): Notifier {
  return createLocalNotifier({ logger: pino({ level: 'silent' }), ...(url ? { url } : {}) });
}
