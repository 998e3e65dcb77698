import { basename } from 'node:path';

/** The reference sample's variables select a pipeline; flags override them. */
export const DEFAULT_STACK_NAME = 'personalize-retraining';
export const DEFAULT_PARAMS_FILE = 'parameters.cfg';

export interface PipelineSelection {
  /** The pipeline's name: the CloudFormation stack name on AWS, the key of its runs locally. */
  readonly stackName: string;
  readonly paramsFile: string;
}

export function selectPipeline(
  flags: { readonly stackName?: string | undefined; readonly params?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): PipelineSelection {
  return {
    stackName: flags.stackName ?? nonEmpty(env['STACK_NAME']) ?? DEFAULT_STACK_NAME,
    paramsFile: flags.params ?? nonEmpty(env['PARAMS_FILE']) ?? DEFAULT_PARAMS_FILE,
  };
}

/** For `serve` with several files: each pipeline is named after its file (parameters.prod.cfg → parameters.prod). */
export function pipelineNameForFile(file: string): string {
  return basename(file).replace(/\.cfg$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
