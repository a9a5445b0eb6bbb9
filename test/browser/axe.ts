/*
 * Accessibility check of the page in Chromium with axe-core (the engine of the axe browser tools):
 * injects axe.min.js and runs it on the whole document; violations of impact serious or critical are
 * returned as readable lines (rule, impact, what it means, the first elements), so a test can expect [].
 * The experimental label-content-name-mismatch rule (accessible names contain the visible labels) is on.
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
      // experimental in axe-core, so off unless asked: a control's accessible name must contain its visible
      // label (WCAG 2.5.3 Label in Name), what speech-input users say to reach it
      rules: { 'label-content-name-mismatch': { enabled: true } },
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

/**
 * Keyboard reach: presses Tab from the top of the page until every visible, enabled button and link of the app
 * (inside `within`) has had the focus, then the arrow keys along each tab list (one Tab stop, as WAI-ARIA tabs
 * are), and returns those that never got it (their text or label), so a test can expect []. A control inside one
 * that took the focus counts as reached with it.
 */
export async function unreachableByTab(page: Page, within = '.standin-app'): Promise<string[]> {
  const count: number = await page.evaluate((root) => {
    const scope = document.querySelector(root) ?? document.body;
    const controls = [
      ...scope.querySelectorAll<HTMLElement>('a[href], button:not([disabled]), [role="button"]'),
    ].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
    });
    controls.forEach((e, i) => e.setAttribute('data-tab-walk', String(i)));
    // start from the top: Chromium goes on from the last focused or clicked point, not from the top, after a blur
    const start = document.createElement('a');
    start.href = '#';
    start.id = 'tab-walk-start';
    start.textContent = 'start';
    document.body.prepend(start);
    start.focus();
    return controls.length;
  }, within);
  const reached = new Set<string>();
  const focused = () =>
    page.evaluate(() => document.activeElement?.closest('[data-tab-walk]')?.getAttribute('data-tab-walk') ?? null);
  // every control once, plus other focusable things (fields, summaries, tips) and the host's header
  for (let i = 0; i < 3 * count + 200 && reached.size < count; i++) {
    await page.keyboard.press('Tab');
    const id = await focused();
    if (id !== null) reached.add(id);
  }
  // a tab list is one stop for Tab, its other tabs are reached with the arrow keys (WAI-ARIA tabs, as EUI does)
  const tabLists: number = await page.evaluate(() => document.querySelectorAll('[role="tablist"]').length);
  for (let t = 0; t < tabLists; t++) {
    const tabs: number = await page.evaluate((n) => {
      const list = document.querySelectorAll('[role="tablist"]')[n];
      const selected = list.querySelector<HTMLElement>('[role="tab"][tabindex="0"]');
      selected?.focus();
      return selected ? list.querySelectorAll('[role="tab"]').length : 0;
    }, t);
    for (let i = 0; i < tabs; i++) {
      await page.keyboard.press('ArrowRight');
      const id = await focused();
      if (id !== null) reached.add(id);
    }
  }
  return page.evaluate(
    (seen) => {
      const missed = [...document.querySelectorAll<HTMLElement>('[data-tab-walk]')].filter(
        (e) => !seen.includes(e.getAttribute('data-tab-walk')!),
      );
      const names = missed.map(
        (e) =>
          `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 60)}"`,
      );
      document.querySelectorAll('[data-tab-walk]').forEach((e) => e.removeAttribute('data-tab-walk'));
      document.getElementById('tab-walk-start')?.remove();
      return names;
    },
    [...reached],
  );
}
