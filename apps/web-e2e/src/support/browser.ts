import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM } from '@starchart/testing';
import { ARTIFACTS } from './portal';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ ...CHROMIUM, args: [...CHROMIUM.args] });
}

export function newPerson(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
}

/** From the welcome page through the dev-idp's login page, back to the portal. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A full-page screenshot into test-artifacts/web/, to look at after the run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** axe-core's source, evaluated in the page: unlike a script tag, no Content-Security-Policy stops it. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core's serious and critical violations on the page as it is now, as readable lines
 * (an empty list when there are none), and its screenshot under the same name.
 */
export async function look(page: Page, name: string): Promise<string[]> {
  await screenshot(page, name);
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } })
      .axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${name}: ${violation.id} (${violation.impact}) ${violation.help} at ${violation.nodes
          .map((node) => JSON.stringify(node.target))
          .join(', ')}`,
    );
}

/** Waits until `locator` (with `text` in it, when given) is visible. */
export async function shows(
  locator: Locator,
  text?: string | RegExp,
  timeout = 15_000,
): Promise<void> {
  const target = text === undefined ? locator : locator.filter({ hasText: text });
  try {
    await target.first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    // What the page showed instead, next to the page screenshots.
    await screenshot(locator.page(), `failed-${Date.now()}`).catch(() => undefined);
    throw error;
  }
}

/** Polls `check` until it answers true; fails naming `what` it waited for. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeout = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
