import { Option, type Command } from 'commander';
import pino from 'pino';
import { DEFAULT_ENGINE_PORT, DEFAULT_STATE_DIR, startEngine } from '../../engine/engine.js';
import type { CliIo } from '../io.js';

export function registerEngineCommand(program: Command, io: CliIo): void {
  program
    .command('engine')
    .summary('run the embedded Personalize-compatible engine')
    .description(
      'Run the embedded Personalize-compatible engine in the foreground. Point the AWS SDK or CLI at the URL it prints ' +
        '(endpoint option), with any region and credentials.',
    )
    .addOption(
      new Option('--port <port>', 'TCP port to listen on (0 picks a free one)')
        .default(DEFAULT_ENGINE_PORT)
        .argParser(parsePort),
    )
    .option(
      '--host <host>',
      'address to bind; the engine has no authentication, keep it on loopback',
      '127.0.0.1',
    )
    .option('--state-dir <dir>', 'folder holding the engine database', DEFAULT_STATE_DIR)
    .option('--data-root <dir>', 'folder whose subfolders stand for S3 buckets (default: <state-dir>/data)')
    .option('--s3-endpoint <url>', 'read s3:// datasources from this S3-compatible endpoint instead')
    .action(
      async (options: {
        port: number;
        host: string;
        stateDir: string;
        dataRoot?: string;
        s3Endpoint?: string;
      }) => {
        const engine = await startEngine({
          port: options.port,
          host: options.host,
          stateDir: options.stateDir,
          ...(options.dataRoot ? { dataRoot: options.dataRoot } : {}),
          ...(options.s3Endpoint ? { s3Endpoint: options.s3Endpoint } : {}),
          logger: pino({ level: process.env['LOG_LEVEL'] ?? 'info' }, pino.destination(2)),
        });
        io.out(`personalize-retrain engine listening on ${engine.url} (state: ${engine.ctx.stateDir})\n`);
        await new Promise<void>((resolveStop) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolveStop();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        await engine.close();
        io.out('engine stopped\n');
      },
    );
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535, got '${value}'`);
  }
  return port;
}
