import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Starts a server script in a process of its own and resolves with the URL it prints when ready. */
export function startChildServer(
  script: string,
  args: readonly string[],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOG_LEVEL: 'warn' },
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}): ${output}`)));
  });
}

/** The CLI's `personalize-retrain engine` over a state dir, on a free port, in a process of its own. */
export const startEngineChild = (stateDir: string) =>
  startChildServer('bin/personalize-retrain.js', ['engine', '--port', '0', '--state-dir', stateDir]);

/** Stops a child server with SIGTERM and resolves once it has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * CPU time (user + system) a child has used so far, in microseconds, from Linux's `/proc` (ticks of
 * 1/100 s); undefined elsewhere. Per request, it shows a server's own cost even when other work on
 * the machine stretches the wall-clock figures.
 */
export function cpuMicros(child: ChildProcess): number | undefined {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/**
 * Starts a meter of the CPU time the hypervisor gave to other guests ("steal" in Linux's
 * `/proc/stat`); the function it returns gives the stolen share of all CPU time since, in percent
 * (undefined elsewhere). On this shared machine, runs of the same code with a few percent stolen
 * had several times the tail latency of runs with none, so the benches report it beside their figures.
 */
export function stealMeter(): () => number | undefined {
  const read = () => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8')
        .split('\n')[0]!
        .trim()
        .split(/\s+/)
        .slice(1, 9)
        .map(Number);
      return { steal: fields[7]!, total: fields.reduce((sum, value) => sum + value, 0) };
    } catch {
      return undefined;
    }
  };
  const start = read();
  return () => {
    const end = read();
    if (!start || !end || end.total <= start.total) return undefined;
    return Number(((100 * (end.steal - start.steal)) / (end.total - start.total)).toFixed(2));
  };
}
