import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverRevision } from '../notes-support.js';
import { createSessionCast, type SessionCast, startTestServer, type TestServer } from '../support/server.js';
import { ensureWebBuild, launchChromium, signedInContext } from './mixer-support.js';

// The vision brief co-edited by two people with sign-off, and the review room driven from the keyboard
// only. The session and its revision are made through the API; everything checked here is the UI.

let t: TestServer;
let browser: Browser;
let cast: SessionCast;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ensureWebBuild();
  t = await startTestServer();
  browser = await launchChromium();
  cast = await createSessionCast(t.url, 'Night Drive');
  await deliverRevision(cast.engineer, cast.sessionId, { durationS: 30 });
}, 300_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.close();
});

async function open(who: 'engineer' | 'artist' | 'viewer', tab = ''): Promise<Page> {
  const context = await signedInContext(browser, t.url, cast[who]);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${t.url}/sessions/${cast.sessionId}${tab ? `/${tab}` : ''}`);
  return page;
}

function reviewPlayer(page: Page) {
  return page.evaluate(() => {
    const p = (
      globalThis as unknown as {
        __mixroomReview: { player: { isPlaying: boolean; position(): number } | null };
      }
    ).__mixroomReview.player;
    return p ? { playing: p.isPlaying, position: p.position() } : null;
  });
}

describe('the vision brief', () => {
  it('is co-edited live, signed, and asks for a new signature once it changes', async () => {
    const e = await open('engineer', 'brief');
    const a = await open('artist', 'brief');
    const eVision = e.getByLabel('What the song should feel like');
    const aVision = a.getByLabel('What the song should feel like');
    await expect.poll(() => eVision.isEditable(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => aVision.isEditable(), { timeout: 30_000 }).toBe(true);

    await eVision.click();
    await e.keyboard.type('Dark and wide.');
    await expect.poll(() => aVision.inputValue(), { timeout: 15_000 }).toBe('Dark and wide.');
    // The artist types at the end while the engineer's text stays where it is.
    await aVision.click();
    await a.keyboard.press('End');
    await a.keyboard.type(' Warm bass.');
    await expect.poll(() => eVision.inputValue(), { timeout: 15_000 }).toBe('Dark and wide. Warm bass.');

    await a.getByRole('button', { name: 'Sign the brief' }).click();
    await a.getByRole('button', { name: 'You signed this version' }).waitFor();
    const signatures = e.getByRole('list', { name: 'Signatures' });
    await signatures.getByText(/^Signed /).waitFor({ timeout: 15_000 });

    // An edit after signing: both see "changed since signed"; the artist is asked to sign again.
    await e.getByLabel('Balance').fill('Vocal on top, always.');
    await a.getByText('Changed since signed').waitFor({ timeout: 15_000 });
    await e.getByText('Changed since signed').waitFor({ timeout: 15_000 });
    await a.getByRole('button', { name: 'Sign the changed brief' }).waitFor();

    // Viewers read the brief but cannot edit it.
    const v = await open('viewer', 'brief');
    const vVision = v.getByLabel('What the song should feel like');
    await expect.poll(() => vVision.inputValue(), { timeout: 15_000 }).toBe('Dark and wide. Warm bass.');
    expect(await vVision.isEditable()).toBe(false);
    expect(await v.getByRole('button', { name: /Sign the/ }).count()).toBe(0);
  }, 180_000);
});

describe('the review room from the keyboard', () => {
  it('plays, pauses and seeks with Space, K, arrows, J and L, and N starts a note', async () => {
    const page = await open('artist');
    const play = page.getByRole('button', { name: 'Play', exact: true });
    await expect.poll(() => play.isEnabled(), { timeout: 120_000 }).toBe(true);

    // Tab to the timeline: it is reachable and shows a focus ring.
    let onTimeline = false;
    for (let i = 0; i < 40 && !onTimeline; i++) {
      await page.keyboard.press('Tab');
      onTimeline = await page
        .getByRole('slider', { name: 'Timeline' })
        .evaluate((el) => el === el.ownerDocument.activeElement);
    }
    expect(onTimeline).toBe(true);
    const outline = await page
      .getByRole('slider', { name: 'Timeline' })
      .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');

    await page.keyboard.press('Space');
    await expect.poll(async () => (await reviewPlayer(page))?.playing).toBe(true);
    await page.keyboard.press('k');
    await expect.poll(async () => (await reviewPlayer(page))?.playing).toBe(false);

    const at = async () => (await reviewPlayer(page))!.position;
    const start = await at();
    await page.keyboard.press('ArrowRight');
    expect(await at()).toBeCloseTo(start + 5, 1);
    await page.keyboard.press('l');
    expect(await at()).toBeCloseTo(start + 15, 1);
    await page.keyboard.press('j');
    expect(await at()).toBeCloseTo(start + 5, 1);
    await page.keyboard.press('Shift+ArrowLeft');
    expect(await at()).toBeCloseTo(start + 4, 1);
    await expect
      .poll(() => page.getByRole('slider', { name: 'Timeline' }).getAttribute('aria-valuenow'))
      .toBe(String(Math.floor(start + 4)));

    // N: a note at the playhead, typed without touching the mouse.
    await page.keyboard.press('n');
    const note = page.getByLabel('Note', { exact: true });
    await expect.poll(() => note.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.type('Kick a little softer here.');
    await page.keyboard.press('Control+Enter');
    await page
      .getByRole('button', { name: /^Note by artist at 0:0\d: Kick a little softer here\./ })
      .waitFor();
  }, 180_000);
});
