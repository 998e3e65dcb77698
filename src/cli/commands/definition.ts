import type { Command } from 'commander';
import { buildDefinition } from '../../pipeline/definition/index.js';
import type { CliIo } from '../io.js';
import { loadSelectedPipeline } from '../loadConfig.js';

export function registerDefinitionCommand(program: Command, io: CliIo): void {
  program
    .command('definition')
    .summary('print the pipeline as Step Functions (ASL) JSON')
    .description(
      'Print the pipeline as Amazon States Language JSON: exactly what the local runner executes and the CDK stack deploys.',
    )
    .option('--params <file>', 'parameters file (default: $PARAMS_FILE, else parameters.cfg)')
    .option('--stack-name <name>', 'pipeline name (default: $STACK_NAME, else personalize-retraining)')
    .action((flags: { params?: string; stackName?: string }) => {
      const { selection, config } = loadSelectedPipeline(flags);
      io.out(`${JSON.stringify(buildDefinition(config, { pipelineName: selection.stackName }), null, 2)}\n`);
    });
}
