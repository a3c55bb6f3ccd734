import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav16, mixStems, synthesizeStems } from '../../apps/server/src/demo/synth.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { ensureWebBuild, launchChromium } from './mixer-support.js';

// The review flow with two people in two browser contexts, through the real UI only: the engineer signs
// up, creates a session and an invite, uploads v1; the artist joins as a guest and leaves a range note at
// 0:42-0:50; the engineer sees its pin appear live; the engineer uploads v2; the artist A/Bs v1 and v2 and
// approves v2; the engineer sees v2 locked. Every step is screenshotted to test-results/screenshots/; with
// UPDATE_SCREENSHOTS=1 the main screens are also copied to docs/screenshots/ for the README (a plain test run
// leaves the repository as it was).

const root = fileURLToPath(new URL('../..', import.meta.url));
const shotsDir = join(root, 'test-results/screenshots');
const docsDir = join(root, 'docs/screenshots');
const updateDocs = process.env.UPDATE_SCREENSHOTS === '1';

let t: TestServer;
let browser: Browser;
let audioDir: string;
const files = { v1: '', v2: '', bass: '', lead: '' };

beforeAll(async () => {
  ensureWebBuild();
  mkdirSync(shotsDir, { recursive: true });
  if (updateDocs) mkdirSync(docsDir, { recursive: true });
  // A one-minute synthesised song: v2 has the rhythm guitar 3 dB up in the choruses.
  audioDir = mkdtempSync(join(tmpdir(), 'mixroom-review-flow-'));
  const stems = synthesizeStems();
  const write = (name: string, bytes: Uint8Array) => {
    const path = join(audioDir, name);
    writeFileSync(path, bytes);
    return path;
  };
  files.v1 = write('night-drive-v1.wav', encodeWav16(mixStems(stems)));
  files.v2 = write(
    'night-drive-v2.wav',
    encodeWav16(mixStems(stems, { sectionGainsDb: [{ stem: 'Rhythm gtr', startS: 24, endS: 60, db: 3 }] })),
  );
  files.bass = write('bass.wav', encodeWav16(stems.find((s) => s.name === 'Bass')!));
  files.lead = write('lead-vocal.wav', encodeWav16(stems.find((s) => s.name === 'Lead vocal')!));
  t = await startTestServer();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  if (audioDir) rmSync(audioDir, { recursive: true, force: true });
});

async function shot(page: Page, name: string, docs = false): Promise<void> {
  const path = join(shotsDir, `${name}.png`);
  await page.screenshot({ path });
  if (docs && updateDocs) copyFileSync(path, join(docsDir, `${name.replace(/^\d+-/, '')}.png`));
}

/** The review player's state in the page (window.__mixroomReview, see apps/web/src/audio/debug.ts). */
function player(page: Page) {
  return page.evaluate(() => {
    const g = globalThis as unknown as {
      __mixroomReview: {
        player: {
          state(): { playing: boolean; active: string | null; tracks: Record<string, { status: string }> };
          position(): number;
        } | null;
      };
    };
    const p = g.__mixroomReview.player;
    return p ? { ...p.state(), position: p.position() } : null;
  });
}

/** Marks the page; the mark survives as long as the page is not reloaded. */
const markPage = (page: Page) =>
  page.evaluate(() => {
    (globalThis as unknown as { __noReload: boolean }).__noReload = true;
  });
const notReloaded = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload === true);

async function uploadRevision(page: Page, mix: string, stems: string[], changelog: string, next: number) {
  await page.getByRole('tab', { name: 'Upload' }).click();
  await page.getByLabel('Choose mix bounce').setInputFiles(mix);
  if (stems.length) await page.getByLabel('Choose stems').setInputFiles(stems);
  await page.getByLabel('Changelog').fill(changelog);
  const create = page.getByRole('button', { name: `Create revision v${next}` });
  await expect.poll(() => create.isEnabled(), { timeout: 120_000 }).toBe(true);
  await create.click();
  await page.getByRole('heading', { name: `Analysis of v${next}` }).waitFor();
}

describe('reviewing a mix together', () => {
  let engineer: BrowserContext;
  let artist: BrowserContext;
  let e: Page;
  let a: Page;
  let inviteUrl = '';

  it('the engineer signs up, creates a session and an invite, and uploads v1', async () => {
    engineer = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    e = await engineer.newPage();
    await e.goto(`${t.url}/`);
    await e.getByRole('link', { name: 'Create an account' }).click();
    await e.getByLabel('Your name').fill('Erin');
    await e.getByLabel('Email').fill(`erin.${Date.now()}@example.com`);
    await e.getByLabel('Password').fill('a long enough password');
    await e.getByRole('button', { name: 'Create account' }).click();
    await e.getByRole('heading', { name: 'Sessions' }).waitFor();
    await e.getByRole('button', { name: 'Create a demo session' }).waitFor();
    await shot(e, '01-sessions-empty');

    await e.getByLabel('Song title').fill('Night Drive');
    await e.getByLabel('Artist').fill('Ada');
    await e.getByRole('button', { name: 'Create session' }).click();
    await e.getByRole('heading', { name: 'Night Drive' }).waitFor();
    await e.getByRole('button', { name: 'Create invite link' }).click();
    inviteUrl = await e.getByLabel('Invite link (artist)').inputValue();
    expect(inviteUrl).toMatch(new RegExp(`^${t.url}/invite/[\\w-]{40,}$`));
    await shot(e, '02-members-invite', true);

    await uploadRevision(e, files.v1, [files.bass, files.lead], 'First balance.', 1);
    // Analysis results arrive over the event stream and are drawn as meters.
    await e.getByRole('meter', { name: 'Integrated loudness' }).waitFor({ timeout: 180_000 });
    await e.getByRole('img', { name: /^lead-vocal: peak/ }).waitFor({ timeout: 180_000 });
    await shot(e, '03-upload-analysis', true);

    // The brief: the vision and the song's sections (the note composer offers them).
    await e.getByRole('tab', { name: 'Brief' }).click();
    const vision = e.getByLabel('What the song should feel like');
    await expect.poll(() => vision.isEditable(), { timeout: 30_000 }).toBe(true);
    await vision.fill('Intimate verses, a chorus that opens up. The voice always leads.');
    for (const [kind, name, from, to] of [
      ['verse', 'Verse', '0:08', '0:24'],
      ['chorus', 'Chorus 1', '0:24', '0:40'],
      ['bridge', 'Bridge', '0:40', '0:48'],
      ['chorus', 'Chorus 2', '0:48', '1:00'],
    ] as const) {
      await e.getByLabel('Kind', { exact: true }).selectOption(kind);
      await e.getByLabel('Name', { exact: true }).fill(name);
      await e.getByLabel('From').fill(from);
      await e.getByLabel('To', { exact: true }).fill(to);
      await e.getByRole('button', { name: 'Add section' }).click();
      await e.getByLabel(`Intent of ${name}`).waitFor();
    }
    await e.getByLabel('Intent of Chorus 1').fill('urgent, wide open');
    await e.getByLabel('Intent of Chorus 1').blur();
    await e.getByRole('button', { name: 'Sign the brief' }).click();
    await e.getByRole('button', { name: 'You signed this version' }).waitFor();
    await shot(e, '04-brief', true);

    await e.getByRole('tab', { name: 'Review' }).click();
    await e.getByRole('slider', { name: 'Timeline' }).waitFor();
    await markPage(e);
  }, 600_000);

  it('the artist joins as a guest and leaves a range note at 0:42-0:50', async () => {
    artist = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    a = await artist.newPage();
    await a.goto(inviteUrl);
    await a.getByRole('heading', { name: 'Join “Night Drive”' }).waitFor();
    await expect.poll(() => a.getByText('Erin', { exact: true }).count()).toBeGreaterThan(0);
    await a.getByLabel('Your name').fill('Ada');
    await shot(a, '05-invite-landing', true);
    await a.getByRole('button', { name: 'Join session' }).click();
    await a.getByRole('heading', { name: 'Night Drive' }).waitFor();

    const play = a.getByRole('button', { name: 'Play', exact: true });
    await expect.poll(() => play.isEnabled(), { timeout: 120_000 }).toBe(true);
    const timeline = a.getByRole('slider', { name: 'Timeline' });
    const duration = Number(await timeline.getAttribute('aria-valuemax'));
    expect(duration).toBe(60);
    const box = (await timeline.boundingBox())!;
    const x = (s: number) => box.x + (box.width * s) / duration;
    await a.mouse.move(x(42), box.y + box.height / 2);
    await a.mouse.down();
    await a.mouse.move(x(46), box.y + box.height / 2, { steps: 4 });
    await a.mouse.move(x(50), box.y + box.height / 2, { steps: 4 });
    await a.mouse.up();
    // The drag filled the range; the exact times are typed in.
    const start = a.getByLabel('Start', { exact: true });
    const end = a.getByLabel('End', { exact: true });
    expect(Math.abs(Number((await start.inputValue()).split(':')[1]) - 42)).toBeLessThan(1);
    expect(Math.abs(Number((await end.inputValue()).split(':')[1]) - 50)).toBeLessThan(1);
    await start.fill('0:42');
    await end.fill('0:50');
    await a
      .getByLabel('Note', { exact: true })
      .fill('Into the last chorus the vocal gets buried — bring it up?');
    await a.getByLabel('Section', { exact: true }).selectOption({ label: 'Bridge' });
    await a.getByLabel('Stem', { exact: true }).selectOption({ label: 'lead-vocal' });
    await a.getByLabel('Direction', { exact: true }).selectOption('up');
    await a.getByLabel('Amount (dB)').fill('2');
    await a.getByRole('button', { name: 'Add note' }).click();
    await a.getByText('Into the last chorus the vocal gets buried — bring it up?').waitFor();
    await a.getByText('Bridge · lead-vocal · ↑ up 2 dB').waitFor();
    await shot(a, '06-artist-note');
  }, 300_000);

  it('the engineer sees the pin and the artist in the room without reloading', async () => {
    await e.getByRole('button', { name: /^Note by Ada at 0:42–0:50/ }).waitFor({ timeout: 30_000 });
    await e.getByText('Into the last chorus the vocal gets buried — bring it up?').waitFor();
    await e.getByRole('button', { name: 'Follow Ada' }).waitFor({ timeout: 30_000 });
    expect(await notReloaded(e)).toBe(true);
    await shot(e, '07-review-room', true);
  }, 120_000);

  it('following the artist: her transport drives the engineer’s', async () => {
    const ePlay = e.getByRole('button', { name: 'Play', exact: true });
    await expect.poll(() => ePlay.isEnabled(), { timeout: 120_000 }).toBe(true);
    await e.getByRole('button', { name: 'Follow Ada' }).click();
    await a.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(async () => (await player(e))?.playing, { timeout: 30_000 }).toBe(true);
    await a.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(async () => (await player(e))?.playing, { timeout: 30_000 }).toBe(false);
    const [ea, aa] = [await player(e), await player(a)];
    expect(Math.abs(ea!.position - aa!.position)).toBeLessThan(0.5);
    await e.getByRole('button', { name: 'Following Ada' }).click();
  }, 120_000);

  it('the engineer uploads v2, which reaches the artist live', async () => {
    await markPage(a);
    await uploadRevision(e, files.v2, [], 'Vocal up 2 dB into the last chorus, as Ada asked.', 2);
    await a.getByRole('button', { name: /^v2, / }).waitFor({ timeout: 30_000 });
    expect(await notReloaded(a)).toBe(true);
  }, 300_000);

  it('the artist A/Bs v1 and v2 at the same playhead and approves v2', async () => {
    await a.getByRole('button', { name: /^v2, / }).click();
    await a.getByLabel('Compare with').selectOption({ label: 'v1' });
    await expect
      .poll(
        async () => {
          const s = await player(a);
          return s ? Object.values(s.tracks).filter((x) => x.status === 'ready').length : 0;
        },
        { timeout: 120_000 },
      )
      .toBe(2);
    await a.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(async () => (await player(a))!.position, { timeout: 30_000 }).toBeGreaterThan(1);
    const before = (await player(a))!;
    await a.getByRole('radio', { name: 'B · v1' }).click();
    const after = (await player(a))!;
    expect(after.playing).toBe(true);
    expect(after.active).not.toBe(before.active);
    // Same playhead: the switch does not restart or jump.
    expect(after.position).toBeGreaterThanOrEqual(before.position);
    expect(after.position - before.position).toBeLessThan(1);
    const matchLoudness = a.getByRole('checkbox', { name: 'Match loudness' });
    await expect.poll(() => matchLoudness.isEnabled(), { timeout: 180_000 }).toBe(true);
    await matchLoudness.check();
    await a.getByText(/^Matched: |^Already at equal loudness/).waitFor();
    await shot(a, '08-ab-compare', true);
    await a.getByRole('radio', { name: 'A · v2' }).click();
    await a.getByRole('button', { name: 'Pause', exact: true }).click();

    await a.getByLabel('Message (optional)').fill('This is it. Thank you!');
    await a.getByRole('button', { name: 'Approve v2' }).click();
    await a.getByText('v2 is approved and locked.').waitFor({ timeout: 30_000 });
    await shot(a, '09-artist-approved');
  }, 300_000);

  it('the engineer sees v2 locked, and the review works at phone width', async () => {
    await e.getByRole('tab', { name: 'Review' }).click();
    await e.getByText('v2 is approved and locked.').waitFor({ timeout: 30_000 });
    await e.getByRole('button', { name: 'v2, Approved' }).waitFor();
    await shot(e, '10-engineer-locked', true);

    await a.setViewportSize({ width: 390, height: 844 });
    await a.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    await a.getByRole('slider', { name: 'Timeline' }).waitFor();
    const timeline = (await a.getByRole('slider', { name: 'Timeline' }).boundingBox())!;
    expect(timeline.width).toBeGreaterThan(300);
    expect(timeline.x + timeline.width).toBeLessThanOrEqual(390);
    await a.getByRole('button', { name: 'Play', exact: true }).isVisible();
    await shot(a, '11-phone-review', true);
    await engineer.close();
    await artist.close();
  }, 120_000);
});
