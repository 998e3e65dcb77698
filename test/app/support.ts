import { rmSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { openRetrainingApp, type OpenAppOptions, type RetrainingApp } from '../../src/app/index.js';
import { loadPipelineConfig } from '../../src/config/pipelineConfig.js';
import { DEMO_NAME } from '../../src/demo/demoShopSetup.js';
import { copyDemoShop, type DemoShop } from '../cli/support.js';
import { HeldTrainings } from '../support/trainingGate.js';

/** A fresh copy of the demo shop, removed when the test ends. */
export function demoCopy(t: Pick<TestContext, 'after'>, demo: DemoShop): DemoShop {
  const copy = copyDemoShop(demo);
  t.after(() => rmSync(copy.stateDir, { recursive: true, force: true }));
  return copy;
}

/**
 * The application layer on a demo copy as `serve` opens it (the owner, engine started), hosting the
 * demo pipeline, with every training held at a gate the test releases; closed when the test ends.
 */
export async function ownerApp(
  t: Pick<TestContext, 'after'>,
  copy: DemoShop,
  options: Partial<OpenAppOptions> = {},
): Promise<{ app: RetrainingApp; held: HeldTrainings }> {
  const held = new HeldTrainings();
  const app = await openRetrainingApp({
    stateDir: copy.stateDir,
    command: 'serve',
    ownership: 'required',
    pipelines: [{ name: DEMO_NAME, config: loadPipelineConfig(copy.paramsFile) }],
    engine: { trainingGate: held.gate, timings: { campaignDeployMs: 0 } },
    ...options,
  });
  t.after(async () => {
    held.release();
    await app.close();
  });
  return { app, held };
}
