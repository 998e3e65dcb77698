/**
 * The CDK app the toolkit runs (`cdk … --app "node dist/src/deploy/app.js"`): one pipeline stack,
 * selected like every other command: by context from `personalize-retrain diff|deploy|destroy`,
 * else by STACK_NAME and PARAMS_FILE, else the defaults.
 */
import { App } from 'aws-cdk-lib';
import { formatIssue } from '../config/parametersFile.js';
import { ConfigError, loadPipelineConfig } from '../config/pipelineConfig.js';
import { selectPipeline } from '../config/pipelineSelection.js';
import { UserFacingError } from '../shared/errors.js';
import { PARAMS_FILE_CONTEXT, STACK_NAME_CONTEXT } from './appContext.js';
import { nagFindings } from './nagChecks.js';
import { NagFindingsError, addPipelineStack } from './pipelineSynthesis.js';

function contextValue(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function main(): void {
  // Synthesized explicitly below, never implicitly at exit: a bad parameters file must write nothing.
  const app = new App({ autoSynth: false });
  const selection = selectPipeline({
    stackName: contextValue(app, STACK_NAME_CONTEXT),
    params: contextValue(app, PARAMS_FILE_CONTEXT),
  });
  addPipelineStack(app, loadPipelineConfig(selection.paramsFile), selection.stackName);
  const findings = nagFindings(app);
  if (findings.length > 0) throw new NagFindingsError(findings);
  app.synth();
}

try {
  main();
} catch (error) {
  // The toolkit shows the app's stderr; a bad parameters file is the user's to fix, not a crash.
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.issues.map((issue) => formatIssue(issue)).join('\n')}\n`);
    process.exitCode = 2;
  } else if (error instanceof UserFacingError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    throw error;
  }
}
