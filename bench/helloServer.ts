/**
 * The baseline of bench/serving.ts: a bare hello-world route on the same framework (fastify), built
 * and started the way the engine is, in a process of its own. Prints its URL when ready.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/hello', async (_request, reply) => reply.type('application/json').send('{"hello":"world"}'));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(
  `listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`,
);
