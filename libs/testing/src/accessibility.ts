import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './test-infra.js';

/** Where the specs leave what they saw (screenshots, axe results): .onair/test-output. */
const OUTPUT = join(repoRoot, '.onair', 'test-output');

/** The impacts issue 14 forbids on a main screen. */
const FORBIDDEN_IMPACTS = new Set(['serious', 'critical']);

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}
interface AxeResults {
  url: string;
  violations: AxeViolation[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core in `page` as it is now and fails, listing each rule with the elements it found,
 * when it reports a serious or critical violation. axe's source goes in with page.evaluate (the
 * DevTools protocol's Runtime.evaluate, which the edge's CSP does not govern), never as a
 * <script>, which that CSP would refuse. The full results go to
 * .onair/test-output/<screenName>.axe.json whether or not the screen passes.
 */
export async function expectNoSeriousA11yViolations(page: Page, screenName: string): Promise<void> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  // A string, not a function: this library is typed for Node, and `axe` is a page global.
  const results = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as AxeResults;
  mkdirSync(OUTPUT, { recursive: true });
  writeFileSync(join(OUTPUT, `${screenName}.axe.json`), JSON.stringify(results, null, 2));
  const serious = results.violations.filter((v) => FORBIDDEN_IMPACTS.has(v.impact ?? ''));
  if (serious.length === 0) return;
  const list = serious
    .map((v) => {
      const targets = v.nodes.slice(0, 3).map((n) => `    ${JSON.stringify(n.target)}`);
      const more = v.nodes.length > 3 ? [`    … and ${v.nodes.length - 3} more`] : [];
      return [`  ${v.id} (${v.impact}): ${v.help}`, ...targets, ...more].join('\n');
    })
    .join('\n');
  throw new Error(`${screenName} (${results.url}) has ${serious.length} serious or critical accessibility violation(s):\n${list}`);
}
