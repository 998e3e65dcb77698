import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** The stylesheet and script sit in the repo as written (no build step); compiled code finds them from dist/. */
const ASSETS_DIR = fileURLToPath(new URL('../../../../src/web/assets/', import.meta.url));

const ASSETS: Readonly<Record<string, string>> = {
  'dashboard.css': 'text/css; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
};

export function registerAssetRoutes(app: FastifyInstance): void {
  const files = new Map(
    Object.entries(ASSETS).map(([name, type]) => [
      name,
      { type, body: readFileSync(`${ASSETS_DIR}${name}`) },
    ]),
  );
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const file = files.get(request.params.file);
    if (!file) return reply.callNotFound();
    return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
  });
}
