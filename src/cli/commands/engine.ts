import { InvalidArgumentError, Option, type Command } from 'commander';
import pino from 'pino';
import { DEFAULT_ENGINE_LIMITS, type EngineLimits } from '../../engine/context.js';
import { isExposedHost } from '../../shared/hostGuard.js';
import { DEFAULT_ENGINE_PORT, DEFAULT_STATE_DIR } from '../../shared/localDefaults.js';
import { openCommandApp } from '../appSession.js';
import type { CliIo } from '../io.js';
import { listenError, parsePort } from '../listen.js';

interface EngineCommandOptions {
  port: number;
  host: string;
  stateDir: string;
  dataRoot?: string;
  s3Endpoint?: string;
  allowedHost: string[];
  importTimeout: number;
  trainingTimeout: number;
  shutdownTimeout: number;
  requestTimeout: number;
  maxConnections: number;
  answerCacheMb: number;
}

const seconds = (ms: number) => ms / 1000;

export function registerEngineCommand(program: Command, io: CliIo): void {
  program
    .command('engine')
    .summary('run the embedded Personalize-compatible engine')
    .description(
      'Run the embedded Personalize-compatible engine in the foreground. Point the AWS SDK or CLI at the URL it prints ' +
        '(endpoint option), with any region and credentials. It owns the state dir: run, rollback, status and history ' +
        'in other terminals use it. The limits below keep hostile or stuck input from holding it; docs/ENGINE.md ' +
        'describes them.',
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
    .option(
      '--allowed-host <name>',
      'also answer requests whose Host header is this name (repeatable); others are refused (DNS rebinding)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--state-dir <dir>', 'folder holding the engine database', DEFAULT_STATE_DIR)
    .option('--data-root <dir>', 'folder whose subfolders stand for S3 buckets (default: <state-dir>/data)')
    .option('--s3-endpoint <url>', 'read s3:// datasources from this S3-compatible endpoint instead')
    .addOption(
      new Option('--import-timeout <seconds>', 'an import still running after this is CREATE FAILED')
        .default(seconds(DEFAULT_ENGINE_LIMITS.importMs))
        .argParser(positive('--import-timeout')),
    )
    .addOption(
      new Option('--training-timeout <seconds>', 'a training still running after this is CREATE FAILED')
        .default(seconds(DEFAULT_ENGINE_LIMITS.trainingMs))
        .argParser(positive('--training-timeout')),
    )
    .addOption(
      new Option(
        '--shutdown-timeout <seconds>',
        'on SIGTERM/SIGINT, stop within about this long, terminating workers that do not let go',
      )
        .default(seconds(DEFAULT_ENGINE_LIMITS.shutdownMs))
        .argParser(positive('--shutdown-timeout')),
    )
    .addOption(
      new Option('--request-timeout <seconds>', "a request's headers and body must arrive within this")
        .default(seconds(DEFAULT_ENGINE_LIMITS.requestMs))
        .argParser(positive('--request-timeout')),
    )
    .addOption(
      new Option('--max-connections <n>', 'connections served at once; more are refused')
        .default(DEFAULT_ENGINE_LIMITS.maxConnections)
        .argParser(positive('--max-connections', true)),
    )
    .addOption(
      new Option(
        '--answer-cache-mb <MiB>',
        'memory for computed answers, all campaigns together; an answer is kept from the second time its request comes',
      )
        .default(DEFAULT_ENGINE_LIMITS.answerCacheBytes / 1024 / 1024)
        .argParser(positive('--answer-cache-mb')),
    )
    .action(async (options: EngineCommandOptions) => {
      const limits: EngineLimits = {
        importMs: options.importTimeout * 1000,
        trainingMs: options.trainingTimeout * 1000,
        shutdownMs: options.shutdownTimeout * 1000,
        requestMs: options.requestTimeout * 1000,
        keepAliveMs: DEFAULT_ENGINE_LIMITS.keepAliveMs,
        maxConnections: options.maxConnections,
        answerCacheBytes: Math.floor(options.answerCacheMb * 1024 * 1024),
      };
      const app = await openCommandApp(io, {
        stateDir: options.stateDir,
        command: 'engine',
        ownership: 'required',
        engine: {
          port: options.port,
          host: options.host,
          ...(options.dataRoot ? { dataRoot: options.dataRoot } : {}),
          ...(options.s3Endpoint ? { s3Endpoint: options.s3Endpoint } : {}),
          allowedHosts: options.allowedHost,
          limits,
        },
        logger: pino({ level: process.env['LOG_LEVEL'] ?? 'info' }, pino.destination(2)),
      }).catch((error: unknown) => {
        throw listenError(error, options.port, options.host);
      });
      if (isExposedHost(options.host)) {
        // Loaded here: commands other than engine never load the engine's modules at start.
        const { exposureWarning } = await import('../../engine/engine.js');
        io.err(`warning: ${exposureWarning(options.host)}\n`);
      }
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
      // close() is bounded, but a worker thread stuck in a system call can keep the process alive.
      setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
    });
}

function positive(flag: string, whole = false): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0 || (whole && !Number.isInteger(number))) {
      throw new InvalidArgumentError(
        `${flag} must be a ${whole ? 'whole ' : ''}number above 0, got '${value}'.`,
      );
    }
    return number;
  };
}
