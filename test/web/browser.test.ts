import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserFor, chromiumMissing, watchPage } from '../support/browser.js';
import { cli, demoFlags, setUpDemoShop, spawnCli, type DemoShop } from '../cli/support.js';
import type { ExecutionRecord } from '../../src/pipeline/executions/index.js';

/** The runs `history --json` lists, asked of the CLI as a user would while `serve` runs. */
async function historyJson(demo: DemoShop): Promise<ExecutionRecord[]> {
  const result = await cli('history', '--json', '--limit', '1000', '--state-dir', demo.stateDir);
  assert.equal(result.code, 0, result.err);
  return JSON.parse(result.out) as ExecutionRecord[];
}

function rowIds(page: Page): Promise<number[]> {
  return page
    .locator('tr[data-run-id]')
    .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-run-id'))));
}

/** The page's globals that predicates running in the browser use (the compiler knows Node's only). */
interface PageGlobals {
  readonly document: { querySelectorAll(selector: string): { readonly length: number } };
  notReloaded?: boolean;
}

/** Waits, without reloading, until the page lists `count` runs and none of them is still running. */
async function waitForSettledRuns(page: Page, count: number): Promise<void> {
  // A function, not a string: the dashboard's Content-Security-Policy forbids eval in the page.
  await page.waitForFunction(
    (n) => {
      const { document } = globalThis as unknown as PageGlobals;
      return (
        document.querySelectorAll('tr[data-run-id]').length === n &&
        document.querySelectorAll('tr[data-run-id] .status-running').length === 0
      );
    },
    count,
    { timeout: 90_000 },
  );
}

test(
  'the dashboard of a real serve over a demo state dir, in Chromium',
  { skip: chromiumMissing() ?? false, timeout: 240_000 },
  async (t) => {
    const demo = await setUpDemoShop();
    const first = await cli('run', ...demoFlags(demo));
    assert.equal(first.code, 0, first.err);
    const serve = spawnCli(['serve', ...demoFlags(demo), '--port', '0']);
    t.after(async () => {
      serve.child.kill('SIGTERM');
      await serve.exited;
    });
    const url = (await serve.waitForOutput(/dashboard at http:\/\/127\.0\.0\.1:\d+/)).replace(
      'dashboard at ',
      '',
    );
    const browser = await browserFor(t);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const watch = watchPage(page);

    await t.test('the overview shows the pipeline and its latest real run', async () => {
      const [latest] = await historyJson(demo);
      await page.goto(`${url}/`);
      const card = page.getByRole('region', { name: 'demo-shop' });
      await card.getByRole('link', { name: latest?.executionName ?? '?' }).waitFor();
      assert.match((await card.textContent()) ?? '', /rate\(1 day\)/);
    });

    await t.test(
      'the run list holds every run history --json lists; the chart one point per version',
      async () => {
        await page.goto(`${url}/pipelines/demo-shop`);
        const runs = await historyJson(demo);
        assert.deepEqual(
          await rowIds(page),
          runs.map((run) => run.id),
        );
        const versions = new Set(
          runs
            .flatMap((run) => [run.solutionVersionArn, run.previousSolutionVersionArn])
            .filter((arn) => arn !== null),
        );
        assert.equal(await page.locator('svg.metric-chart .point').count(), versions.size);
      },
    );

    await t.test('"Run now" starts a run that appears and finishes without a reload', async () => {
      const before = (await rowIds(page)).length;
      await page.evaluate(() => {
        (globalThis as unknown as PageGlobals).notReloaded = true;
      });
      await page.getByRole('button', { name: 'Run now' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /Run \d+ started/ })
        .waitFor();
      await waitForSettledRuns(page, before + 1);
      assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).notReloaded), true);
    });

    await t.test('a run started from the CLI while serve runs shows up on the page', async () => {
      const before = (await rowIds(page)).length;
      const run = spawnCli(['run', ...demoFlags(demo)]);
      await waitForSettledRuns(page, before + 1);
      assert.notEqual((await run.exited).code, null);
      assert.deepEqual(
        await rowIds(page),
        (await historyJson(demo)).map((r) => r.id),
      );
    });

    await t.test('"Roll back" asks first, then the campaign serves the previous version again', async () => {
      const plan = (await (await fetch(`${url}/api/pipelines/demo-shop/rollback`)).json()) as {
        from: string;
        to: string;
      };
      assert.notEqual(plan.from, plan.to);
      const runs = (await rowIds(page)).length;
      const dialog = page.getByRole('dialog', { name: 'Roll back demo-shop?' });
      await page.getByRole('button', { name: 'Roll back…' }).click();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      assert.equal((await rowIds(page)).length, runs, 'cancel changes nothing');
      await page.getByRole('button', { name: 'Roll back…' }).click();
      assert.match((await dialog.textContent()) ?? '', new RegExp(plan.to.split('/').pop() ?? '?'));
      await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
      await page.locator(`.campaign-serves[data-version="${plan.to}"]`).waitFor({ timeout: 60_000 });
      await waitForSettledRuns(page, runs + 1);
      const campaign = (await (await fetch(`${url}/api/pipelines/demo-shop/campaign`)).json()) as {
        solutionVersionArn: string;
      };
      assert.equal(campaign.solutionVersionArn, plan.to);
    });

    await t.test('an unknown run is a 404 page', async () => {
      const response = await page.goto(`${url}/runs/999999`);
      assert.equal(response?.status(), 404);
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
    });

    await t.test('no console errors, and no request left 127.0.0.1', () => {
      assert.deepEqual(
        watch.consoleErrors.filter((text) => !/404 \(Not Found\)/.test(text)),
        [],
      );
      assert.deepEqual(watch.offHostRequests, []);
      assert.ok(
        watch.requests.some((request) => request.includes('/api/pipelines')),
        'the page polled the API',
      );
    });
  },
);
