import type { DemoResources } from './demoShopSetup.js';
import { DEMO_ROLE_ARN } from './demoShopSetup.js';

/** Where the demo's pipeline lives, for the command its parameters file says to run. */
export interface DemoPlace {
  readonly paramsFile: string;
  readonly stackName: string;
  readonly stateDir: string;
}

/** The command that retrains the demo's pipeline again: its resources live in that state dir only. */
export function demoRunCommand(place: DemoPlace): string {
  return `npx personalize-retrain run --params ${place.paramsFile} --stack-name ${place.stackName} --state-dir ${place.stateDir}`;
}

/** The parameters file the demo writes: the reference keys for its resources plus a few of ours. */
export function demoParametersFile(resources: DemoResources, place: DemoPlace): string {
  return [
    '# Written by `personalize-retrain demo` for the resources it created in the embedded engine of its state dir.',
    `# Run it again with: ${demoRunCommand(place)}`,
    `ImportRoleArn=${DEMO_ROLE_ARN}`,
    `SolutionArn=${resources.solutionArn}`,
    `UserDatasetArn=${resources.datasets.users}`,
    `S3UserDatasourcePath=${resources.dataPaths.users}`,
    `ItemDatasetArn=${resources.datasets.items}`,
    `S3ItemDatasourcePath=${resources.dataPaths.items}`,
    `UserInteractionDatasetArn=${resources.datasets.interactions}`,
    `S3UserInteractionDatasourcePath=${resources.dataPaths.interactions}`,
    `CampaignArn=${resources.campaignArn}`,
    '# Retrain every day; the demo data changes week by week.',
    'RetrainingRate=rate(1 day)',
    '# The engine is fast: check progress every second.',
    'PollInterval=1',
    'GateMetric=normalized_discounted_cumulative_gain_at_10',
    '# Metrics of versions trained on different data are not strictly comparable: allow a little noise.',
    'GateTolerance=0.01',
    '',
  ].join('\n');
}
