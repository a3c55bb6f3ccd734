import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from '../support/server.js';
import { ensureWebBuild, launchChromium, signedInContext } from './mixer-support.js';

// First start: someone without sessions is offered a demo, and one click opens a ready review room.

let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureWebBuild();
  t = await startTestServer();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the demo offer', () => {
  it('creates the demo session from the empty start page and opens its review room', async () => {
    const user = await signUp(t.url, 'Newcomer');
    const context = await signedInContext(browser, t.url, user);
    const page = await context.newPage();
    await page.goto(`${t.url}/`);
    await page.getByRole('button', { name: 'Create a demo session' }).click();
    await page.getByRole('heading', { name: 'Night Drive (demo)' }).waitFor({ timeout: 240_000 });
    await page.getByRole('button', { name: /^v2, / }).waitFor();
    await page.getByText('The lift from the bridge into the last chorus could hit harder.').waitFor();
    await page.getByRole('button', { name: 'Chorus 1, 0:24 to 0:40' }).waitFor();
    expect(await page.getByText('Carried over from v1').count()).toBe(1);
    // Back on the start page the offer is gone: the demo is now one of the person's sessions.
    await page.getByRole('link', { name: 'Mixroom — your sessions' }).click();
    await page.getByRole('link', { name: /Night Drive \(demo\)/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Create a demo session' }).count()).toBe(0);
    await context.close();
  }, 300_000);
});
