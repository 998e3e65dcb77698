import type { Command } from 'commander';
import { buildDefinition } from '../../pipeline/definition/index.js';
import type { CliIo } from '../io.js';
import { loadSelectedPipeline } from '../loadConfig.js';
import { withPipelineOptions, type PipelineFlags } from '../pipelineOptions.js';

export function registerDefinitionCommand(program: Command, io: CliIo): void {
  withPipelineOptions(program.command('definition'))
    .summary('print the pipeline as Step Functions (ASL) JSON')
    .description(
      'Print the pipeline as Amazon States Language JSON: exactly what the local runner executes and the CDK stack deploys.',
    )
    .action((flags: PipelineFlags) => {
      const { selection, config } = loadSelectedPipeline(flags);
      io.out(`${JSON.stringify(buildDefinition(config, { pipelineName: selection.stackName }), null, 2)}\n`);
    });
}
