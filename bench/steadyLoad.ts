/**
 * An open-loop load generator at a steady rate, for latency at a fixed rate. autocannon's
 * `overallRate` sends each connection's whole per-second quota back to back at the top of every
 * second and then idles, so its "1,000 requests/s" is a burst at full concurrency, not a steady
 * stream. Here request n is due at start + n / rate whatever happened to earlier ones (open loop: a
 * slow answer never delays the next request, so a server stall shows in the figures). Latency counts
 * from the moment the request was written; `maxLagMs` says how late this generator itself was.
 *
 * As wrk does, the connections are opened before the clock starts: `WARM_CONNECTIONS` untimed
 * requests sent at once leave that many keep-alive sockets in the pool, so a TCP handshake is never
 * counted as a request's latency (without this, the first 100 ms of a run held up to a sixth of the
 * requests over 3 ms).
 *
 * The stream runs in a process of its own (`steadyLoadChild.ts`) with its bodies made beforehand: a
 * benchmark's own heap (data sets, SDK clients) made the generator's garbage collections show as
 * the server's latency, and left it up to 21 ms behind its schedule.
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';

export interface SteadyLoadResult {
  readonly sent: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** The most a request left after its due time; near timer resolution (~1 ms) when the generator kept up. */
  readonly maxLagMs: number;
}

/** Keep-alive connections opened before a run: more than the stream ever has in flight at 1,000/s. */
const WARM_CONNECTIONS = 8;

/** The stream, sent from a child process; `body` is called for every request before it starts. */
export async function steadyLoad(
  url: string,
  path: string,
  body: () => string,
  rate: number,
  seconds: number,
): Promise<SteadyLoadResult> {
  const bodies = Array.from({ length: Math.round(rate * seconds) + WARM_CONNECTIONS }, body);
  const child = fork(new URL('./steadyLoadChild.js', import.meta.url), [], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const result = new Promise<SteadyLoadResult>((resolve, reject) => {
    child.once('message', (message) => resolve(message as SteadyLoadResult));
    child.once('exit', (code) =>
      reject(new Error(`the steady-load process exited (${code}) without a result`)),
    );
  });
  child.send({ url, path, bodies, rate, seconds } satisfies SteadyLoadJob);
  try {
    return await result;
  } finally {
    child.kill();
  }
}

/** What the child process is sent. */
export interface SteadyLoadJob {
  readonly url: string;
  readonly path: string;
  readonly bodies: readonly string[];
  readonly rate: number;
  readonly seconds: number;
}

/** The stream itself, in this process: what the child runs. */
export async function steadyLoadHere(
  url: string,
  path: string,
  body: () => string,
  rate: number,
  seconds: number,
): Promise<SteadyLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(path, url);
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  const untimed = () =>
    new Promise<void>((resolve) => {
      const payload = body();
      const req = request(target, {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      });
      req.on('response', (res) => res.resume().on('end', resolve));
      req.on('error', () => resolve());
      req.end(payload);
    });
  await Promise.all(Array.from({ length: WARM_CONNECTIONS }, untimed));
  let sent = 0;
  let errors = 0;
  let done = 0;
  let maxLag = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const send = (due: number, index: number) => {
      const payload = body();
      const written = performance.now();
      maxLag = Math.max(maxLag, written - due);
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies[index] = performance.now() - written;
            if (res.statusCode !== 200) errors++;
            if (++done === total) resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        latencies[index] = performance.now() - written;
        if (++done === total) resolve();
      });
      req.end(payload);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / rate <= now) {
        send(start + (sent * 1000) / rate, sent);
        sent++;
      }
      if (sent < total) setTimeout(tick, 0.5);
    };
    tick();
  });
  agent.destroy();
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    sent,
    errors,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? NaN),
    maxLagMs: round(maxLag),
  };
}
