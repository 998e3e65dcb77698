import { Option, type Command } from 'commander';
import pino from 'pino';
import { DEFAULT_ENGINE_PORT, DEFAULT_STATE_DIR } from '../../shared/localDefaults.js';
import { openCommandApp } from '../appSession.js';
import type { CliIo } from '../io.js';
import { listenError, parsePort } from '../listen.js';

export function registerEngineCommand(program: Command, io: CliIo): void {
  program
    .command('engine')
    .summary('run the embedded Personalize-compatible engine')
    .description(
      'Run the embedded Personalize-compatible engine in the foreground. Point the AWS SDK or CLI at the URL it prints ' +
        '(endpoint option), with any region and credentials. It owns the state dir: run, rollback, status and history ' +
        'in other terminals use it.',
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
        if (!['127.0.0.1', 'localhost', '::1'].includes(options.host))
          io.err(`warning: binding ${options.host}: the engine has no authentication.\n`);
        const app = await openCommandApp(io, {
          stateDir: options.stateDir,
          command: 'engine',
          ownership: 'required',
          engine: {
            port: options.port,
            host: options.host,
            ...(options.dataRoot ? { dataRoot: options.dataRoot } : {}),
            ...(options.s3Endpoint ? { s3Endpoint: options.s3Endpoint } : {}),
          },
          logger: pino({ level: process.env['LOG_LEVEL'] ?? 'info' }, pino.destination(2)),
        }).catch((error: unknown) => {
          throw listenError(error, options.port, options.host);
        });
        io.out(
          `personalize-retrain engine listening on ${app.personalizeEndpoint ?? '?'} (state: ${app.stateDir})\n`,
        );
        await new Promise<void>((resolveStop) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolveStop();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        await app.close();
        io.out('engine stopped\n');
      },
    );
}
