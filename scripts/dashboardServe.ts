// A real `personalize-retrain serve` in a process of its own, for the dashboard bench and screenshots.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/personalize-retrain.js', import.meta.url));

/** Starts `serve` with the given flags on a free port, hands its dashboard URL to `use`, then stops it. */
export async function withServe<T>(flags: readonly string[], use: (url: string) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, [CLI, 'serve', ...flags, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        const match = /dashboard at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${output}`)));
    });
    return await use(url);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
