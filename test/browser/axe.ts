/*
 * Accessibility check of the page in Chromium with axe-core (the engine of the axe browser tools):
 * injects axe.min.js and runs it on the whole document; violations of impact serious or critical are
 * returned as readable lines (rule, impact, what it means, the first elements), so a test can expect [].
 */
import * as fs from 'fs';
import type { Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/**
 * Serious and critical violations on the page as it is now (axe-core's WCAG 2.x A/AA rules and best practices).
 * `within`: a selector to check only that part, e.g. a flyout whose overlay mask dims the page behind it (axe would
 * measure the dimmed page's contrast).
 */
export async function seriousViolations(page: Page, label: string, within?: string): Promise<string[]> {
  if (!(await page.evaluate(() => typeof (window as any).axe === 'object')))
    await page.addScriptTag({ content: AXE_SOURCE });
  const violations: AxeViolation[] = await page.evaluate(async (selector) => {
    const result = await (window as any).axe.run(selector ? { include: [selector] } : document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n: any) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  }, within);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${label}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes
          .slice(0, 3)
          .map((n) => JSON.stringify(n.target))
          .join(', ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`,
    );
}
