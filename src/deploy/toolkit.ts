import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARAMS_FILE_CONTEXT, STACK_NAME_CONTEXT } from './appContext.js';

export type ToolkitCommand = 'diff' | 'deploy' | 'destroy' | 'bootstrap';
export type ApprovalLevel = 'never' | 'any-change' | 'broadening';

/** One CDK toolkit call on one pipeline's stack. */
export interface ToolkitRequest {
  readonly command: ToolkitCommand;
  readonly stackName: string;
  /** Absolute, since the toolkit may run the app from another directory. */
  readonly paramsFile: string;
  /** The cloud assembly directory. @default the toolkit's own (cdk.out) */
  readonly outdir?: string;
  /** deploy only: which changes wait for a yes at the terminal. @default broadening */
  readonly requireApproval?: ApprovalLevel;
  /** destroy only: do not ask before deleting the stack. */
  readonly force?: boolean;
}

/** Starts the toolkit with these arguments and resolves with its exit status. */
export type ToolkitRunner = (args: readonly string[], env: NodeJS.ProcessEnv) => Promise<number>;

/** The compiled app entry next to this module (dist/src/deploy/app.js). */
export const APP_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'app.js');

/** The `cdk` CLI of the installed `aws-cdk` package: no global install involved. */
export function toolkitBinary(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('aws-cdk/package.json');
  const { bin } = require('aws-cdk/package.json') as { bin: Record<string, string> };
  return join(dirname(manifest), bin['cdk'] ?? 'bin/cdk');
}

/**
 * The toolkit's arguments: the app is this package's own compiled entry, with the pipeline selected
 * through context, so `make` and the CLI deploy the same stack `synth` writes.
 */
export function toolkitArguments(request: ToolkitRequest): string[] {
  const args: string[] = [request.command];
  if (request.command !== 'bootstrap') args.push(request.stackName);
  args.push(
    // A .js file as the app: the toolkit runs it with its own Node (this one) and quotes the path itself.
    '--app',
    APP_ENTRY,
    '--context',
    `${STACK_NAME_CONTEXT}=${request.stackName}`,
    '--context',
    `${PARAMS_FILE_CONTEXT}=${request.paramsFile}`,
    '--no-notices',
  );
  if (request.outdir !== undefined) args.push('--output', request.outdir);
  if (request.command === 'deploy') args.push('--require-approval', request.requireApproval ?? 'broadening');
  if (request.command === 'destroy' && request.force) args.push('--force');
  return args;
}

/** Runs the toolkit in this terminal: its prompts and progress are the user's to see. */
export const spawnToolkit: ToolkitRunner = (args, env) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [toolkitBinary(), ...args], { stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
