import { App } from 'aws-cdk-lib';
import { join } from 'node:path';
import type { PipelineConfig } from '../config/pipelineConfig.js';
import { DeploymentConfigError } from './deploymentErrors.js';
import { addNagChecks, nagFindings, type NagFinding } from './nagChecks.js';
import { RetrainingStack } from './retrainingStack.js';

export interface PipelineSynthesisRequest {
  readonly config: PipelineConfig;
  readonly stackName: string;
  /** The cloud assembly directory; the template lands in it as `<stack name>.template.json`. */
  readonly outdir: string;
}

export interface PipelineSynthesis {
  readonly templateFile: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
}

/** A stack that breaks an AWS Solutions rule no acknowledgment covers. */
export class NagFindingsError extends DeploymentConfigError {
  constructor(readonly findings: readonly NagFinding[]) {
    super(
      `cdk-nag (AWS Solutions rules) found ${findings.length} problem${findings.length === 1 ? '' : 's'} in the stack:\n` +
        findings
          .map(
            (finding) =>
              `  ${finding.severity} ${finding.rule} at ${finding.paths.join(', ')}: ${finding.description}`,
          )
          .join('\n') +
        '\nFix the construct, or acknowledge the finding next to it with a written reason (src/deploy/).',
    );
  }
}

/** What the CDK toolkit's app and `synth` share: one pipeline stack in the app, checked by cdk-nag. */
export function addPipelineStack(app: App, config: PipelineConfig, stackName: string): RetrainingStack {
  const stack = new RetrainingStack(app, { config, stackName });
  addNagChecks(app);
  return stack;
}

/**
 * Synthesizes one pipeline's stack in this process: no AWS credentials, no network. cdk-nag findings
 * are reported before synthesis, so the caller gets them as one error instead of CDK's console report.
 */
export function synthesizePipeline(request: PipelineSynthesisRequest): PipelineSynthesis {
  const app = new App({ outdir: request.outdir });
  const stack = addPipelineStack(app, request.config, request.stackName);
  const findings = nagFindings(app);
  if (findings.length > 0) throw new NagFindingsError(findings);
  const assembly = app.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  return {
    templateFile: join(assembly.directory, artifact.templateFile),
    stackName: stack.stackName,
    account: stack.account,
    region: stack.region,
  };
}
