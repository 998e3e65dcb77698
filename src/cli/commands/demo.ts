import { DescribeCampaignCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { parsePipelineConfig } from '../../config/pipelineConfig.js';
import { demoParametersFile, demoRunCommand } from '../../demo/demoParameters.js';
import { DEMO_NAME, ensureDemoResources, writeShopExport } from '../../demo/demoShopSetup.js';
import { generateShop } from '../../demo/syntheticShop.js';
import { DEFAULT_STATE_DIR } from '../../shared/localDefaults.js';
import { notificationLine, openCommandApp } from '../appSession.js';
import { ExitCodes, exitCodeForRun } from '../exitCodes.js';
import type { CliIo } from '../io.js';
import { describeRun, progressPrinter } from '../runProgress.js';

/** How many of the simulated weeks the team had already trained on before automating retraining. */
const WEEKS_BEFORE = 6;

export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .summary('run a full retraining cycle locally on generated data (start here)')
    .description(
      'A full retraining cycle on your machine, no AWS account needed: starts the embedded engine, generates a shop ' +
        'whose catalogue and tastes drift week by week, sets up datasets, a solution and a campaign trained on the ' +
        'older weeks, writes a parameters.cfg for them, then retrains on the newest data and rolls the better model out.',
    )
    .option('--state-dir <dir>', 'where the engine, the data and the run history live', DEFAULT_STATE_DIR)
    .option('--seed <n>', 'seed of the synthetic shop', '42')
    .action(async (flags: { stateDir: string; seed: string }) => {
      const started = performance.now();
      const say = (text: string) => io.out(`${text}\n`);
      const app = await openCommandApp(io, {
        stateDir: flags.stateDir,
        command: 'demo',
        ownership: 'if-free',
      });
      const endpoint = await app.connect().catch(async (error: unknown) => {
        await app.close();
        throw error;
      });
      const clientConfig = {
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
      };
      const personalize = new PersonalizeClient(clientConfig);
      const runtime = new PersonalizeRuntimeClient(clientConfig);
      try {
        say(`personalize-retrain demo: embedded engine at ${endpoint}, state in ${flags.stateDir}`);
        const shop = generateShop({ seed: Number(flags.seed) || 42 });
        const dataRoot = join(flags.stateDir, 'data');
        const cutoff = shop.weekStarts[WEEKS_BEFORE] ?? Infinity;
        say(
          `1. A synthetic shop: ${shop.users.length} shoppers, ${shop.items.length} items, ` +
            `${shop.interactions.length} interactions over ${shop.weekStarts.length} weeks; new items arrive and tastes drift.`,
        );
        const initialPaths = writeShopExport(dataRoot, shop, cutoff);
        const resources = await ensureDemoResources(personalize, initialPaths, (step) => say(`   ${step}`));
        say(
          resources.created
            ? `2. Set up as a team would before automating: first ${WEEKS_BEFORE} weeks imported, a model trained and deployed.`
            : '2. Reusing the resources an earlier demo created.',
        );

        const paramsFile = join(flags.stateDir, DEMO_NAME, 'parameters.cfg');
        mkdirSync(join(flags.stateDir, DEMO_NAME), { recursive: true });
        const place = { paramsFile: displayPath(paramsFile), stackName: DEMO_NAME, stateDir: flags.stateDir };
        const parametersText = demoParametersFile(resources, place);
        writeFileSync(paramsFile, parametersText);
        say(`3. Wrote ${displayPath(paramsFile)} for them.`);

        writeShopExport(dataRoot, shop, Infinity);
        say(
          '4. The shop exported its newest data; retraining now (imports in parallel, train, gate, roll out):',
        );
        const parsed = parsePipelineConfig(parametersText, paramsFile);
        if (parsed.issues)
          throw new Error(`the demo wrote an invalid parameters file: ${JSON.stringify(parsed.issues)}`);
        const config = parsed.config;
        const progress = progressPrinter(io, DEMO_NAME);
        app.addPipeline({ name: DEMO_NAME, config });
        app.subscribe((event) => {
          const line = notificationLine(event);
          if (line) io.out(`   ${line}`);
        });
        const start = await app.startRun({ pipelineName: DEMO_NAME, onEvent: progress.onEvent });
        if (start.kind !== 'started') {
          progress.stop();
          io.err(`skipped: ${start.kind === 'skipped' ? (start.execution.cause ?? '') : ''}\n`);
          process.exitCode = ExitCodes.Skipped;
          return;
        }
        const outcome = await start.finished;
        progress.stop();
        io.out(describeRun(outcome.execution, outcome.visits, config.gate.metric));

        const { campaign } = await personalize.send(
          new DescribeCampaignCommand({ campaignArn: resources.campaignArn }),
        );
        say(`5. The campaign now serves ${campaign?.solutionVersionArn ?? 'nothing'}.`);
        const shopper = shop.users[0]?.id ?? '';
        const { itemList = [] } = await runtime.send(
          new GetRecommendationsCommand({
            campaignArn: resources.campaignArn,
            userId: shopper,
            numResults: 5,
          }),
        );
        const genreOf = new Map(shop.items.map((item) => [item.id, item.genre]));
        say(
          `   Top picks for ${shopper}: ${itemList.map((item) => `${item.itemId} (${genreOf.get(item.itemId ?? '') ?? '?'})`).join(', ')}`,
        );
        const params = place.paramsFile;
        const stateDirFlag = `${flags.stateDir === DEFAULT_STATE_DIR ? '' : ` --state-dir ${flags.stateDir}`} --stack-name ${DEMO_NAME}`;
        say(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s. Next:`);
        say(
          `   npx personalize-retrain history${flags.stateDir === DEFAULT_STATE_DIR ? '' : ` --state-dir ${flags.stateDir}`}   # every run, with metrics`,
        );
        say(`   ${demoRunCommand(place)}      # retrain again now`);
        say(
          `   npx personalize-retrain serve --params ${params}${stateDirFlag}    # retrain on RetrainingRate`,
        );
        say(
          `   npx personalize-retrain rollback --params ${params}${stateDirFlag} # back to the previous model`,
        );
        process.exitCode = exitCodeForRun(outcome.execution.status);
      } finally {
        personalize.destroy();
        runtime.destroy();
        await app.close();
      }
    });
}

/** Paths inside the working folder read best relative; others as given. */
function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere === '' || fromHere.startsWith('..') ? path : fromHere;
}
