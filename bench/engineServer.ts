/**
 * The engine for bench/serving.ts, in a process of its own, with the answer cache's budget in bytes as an
 * argument (0: every request is scored afresh). Prints its URL when ready; stops on SIGTERM.
 *
 *   node dist/bench/engineServer.js <state-dir> <answer-cache-bytes>
 */
import { startEngine } from '../src/engine/engine.js';

const [stateDir, capacity] = process.argv.slice(2);
if (!stateDir || capacity === undefined) throw new Error('usage: engineServer.js <state-dir> <capacity>');
const engine = await startEngine({ port: 0, stateDir, limits: { answerCacheBytes: Number(capacity) } });
process.stdout.write(`listening on ${engine.url}\n`);
process.once('SIGTERM', () => void engine.close());
