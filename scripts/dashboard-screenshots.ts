// Makes the dashboard screenshots in docs/images from a real `serve` over a fresh demo state dir
// (the demo's cycle plus one more run), in Debian's chromium:
//   npx tsc -p tsconfig.json && node dist/scripts/dashboard-screenshots.js
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../src/cli/main.js';
import { DEMO_NAME } from '../src/demo/demoShopSetup.js';
import { chromiumMissing, launchChromium } from './chromium.js';
import { withServe } from './dashboardServe.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
const IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));

const missing = chromiumMissing();
if (missing) throw new Error(missing);
const stateDir = mkdtempSync(join(tmpdir(), 'pr-screenshots-'));
const flags = [
  '--params',
  join(stateDir, DEMO_NAME, 'parameters.cfg'),
  '--stack-name',
  DEMO_NAME,
  '--state-dir',
  stateDir,
];
const quiet = { out: () => undefined, err: (text: string) => process.stderr.write(text), isTty: false };
for (const args of [
  ['demo', '--state-dir', stateDir],
  ['run', ...flags],
])
  await runProgram(['node', 'personalize-retrain', ...args], quiet);

try {
  await withServe(flags, async (url) => {
    const browser = await launchChromium();
    try {
      mkdirSync(IMAGES, { recursive: true });
      const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await desktop.goto(`${url}/`);
      await desktop.screenshot({ path: join(IMAGES, 'dashboard-overview.png') });
      await desktop.goto(`${url}/pipelines/${DEMO_NAME}`);
      await desktop.screenshot({ path: join(IMAGES, 'dashboard-pipeline.png'), fullPage: true });
      const latestRun = await desktop.locator('tr[data-run-id] a').first().getAttribute('href');
      await desktop.goto(`${url}${latestRun ?? '/'}`);
      await desktop.screenshot({ path: join(IMAGES, 'dashboard-run.png') });
      const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
      await phone.goto(`${url}/pipelines/${DEMO_NAME}`);
      await phone.screenshot({ path: join(IMAGES, 'dashboard-phone.png') });
      console.log(`wrote dashboard-{overview,pipeline,run,phone}.png in ${IMAGES}`);
    } finally {
      await browser.close();
    }
  });
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
