/**
 * Shared set-up of the mixer's browser tests: a session whose mix document holds sine stems (one
 * distinct frequency each) and sections written through the real sync socket, opened in Chromium. The
 * build and launch helpers live in mixer-browser.ts (no server imports, so benchmarks can use them too).
 */
import { mediaRoutes } from '@mixroom/contract';
import type { MixroomClient } from '@mixroom/client';
import { addSection, readMix, setSongInfo } from '@mixroom/mix-model';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type * as Y from 'yjs';
import { wavHeader } from '../support/audio-fixtures.js';
import { uploadBytes } from '../support/media.js';
import { CHROMIUM_ARGS, ensureWebBuild, launchChromium, type PageMixer } from './mixer-browser.js';
import { createSessionCast, type SessionCast, startTestServer, type TestServer } from '../support/server.js';
import { connectProvider, credentialsOf, type TestProvider, waitFor, waitSynced } from '../support/sync.js';

export { CHROMIUM_ARGS, ensureWebBuild, launchChromium, type PageMixer };

/** A browser context signed in as `client` (its session cookie). */
export async function signedInContext(
  browser: Browser,
  url: string,
  client: MixroomClient,
): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'mixroom_session', value: client.sessionCookie!, url }]);
  return context;
}

export interface TestStem {
  /** The test's name for the stem (the document's id is `MixerSession.stemId(key)`). */
  key: string;
  name: string;
  frequencyHz: number;
  /** Peak of the file's sine in dBFS. */
  dbfs: number;
}

export interface TestSection {
  id: string;
  label: string;
  kind: 'intro' | 'verse' | 'chorus' | 'bridge' | 'solo' | 'outro';
  startS: number;
  endS: number;
  intent?: string;
}

/** A mono 32-bit float WAV of a sine (exact values, so levels can be checked to 0.01 dB). */
export function monoSineWav(frequencyHz: number, dbfs: number, seconds: number, sampleRate = 48_000): Buffer {
  const frames = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(frames * 4);
  const a = 10 ** (dbfs / 20);
  for (let i = 0; i < frames; i++)
    data.writeFloatLE(a * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate), i * 4);
  return Buffer.concat([
    wavHeader({ sampleRate, channels: 1, bits: 32, format: 'float', dataBytes: data.length }),
    data,
  ]);
}

export interface MixerSession {
  t: TestServer;
  cast: SessionCast;
  /** The engineer's Node-side copy of the mix document, over the real sync socket. */
  doc: Y.Doc;
  provider: TestProvider;
  revisionId: string;
  /** The document's stem id of a test stem (the server adds a revision's stems to the document). */
  stemId(key: string): string;
  close(): Promise<void>;
}

/**
 * A test server and a session with one revision whose stems are the given sines. The server places the
 * stems in the mix document; the engineer adds the sections through the sync socket.
 */
export async function mixerSession(options: {
  stems: TestStem[];
  sections: TestSection[];
  seconds: number;
  tempoBpm?: number;
}): Promise<MixerSession> {
  const t = await startTestServer();
  const cast = await createSessionCast(t.url, 'Mixer test song');
  const { engineer, sessionId } = cast;
  const mixUpload = await uploadBytes(
    engineer,
    sessionId,
    'mix.wav',
    monoSineWav(1000, -20, options.seconds),
  );
  const stemUploads: string[] = [];
  for (const s of options.stems) {
    stemUploads.push(
      await uploadBytes(
        engineer,
        sessionId,
        `${s.name}.wav`,
        monoSineWav(s.frequencyHz, s.dbfs, options.seconds),
      ),
    );
  }
  const { revision } = await engineer.call(mediaRoutes.createRevision, {
    params: { id: sessionId },
    body: { mixUploadId: mixUpload, stemUploadIds: stemUploads },
  });
  const stemFiles = revision.files.filter((f) => f.kind === 'stem').sort((a, b) => a.position - b.position);
  const provider = connectProvider(t.url, sessionId, credentialsOf(engineer));
  await waitSynced(provider);
  // This Node-side copy edits the document but is nobody in the room.
  provider.awareness.setLocalState(null);
  const doc = provider.doc;
  await waitFor(() => {
    const mix = readMix(doc);
    return mix.scenes.length > 0 && stemFiles.every((f) => mix.stems.some((st) => st.fileId === f.id));
  }, 'the server to seed the document and place the stems');
  const ids = new Map<string, string>();
  options.stems.forEach((st, i) => {
    ids.set(st.key, readMix(doc).stems.find((x) => x.fileId === stemFiles[i]!.id)!.id);
  });
  doc.transact(() => {
    for (const section of options.sections) addSection(doc, section);
  });
  setSongInfo(doc, {
    durationS: options.seconds,
    ...(options.tempoBpm ? { tempoBpm: options.tempoBpm } : {}),
  });
  return {
    t,
    cast,
    doc,
    provider,
    revisionId: revision.id,
    stemId(key) {
      const id = ids.get(key);
      if (!id) throw new Error(`no test stem ${key}`);
      return id;
    },
    async close() {
      provider.destroy();
      await t.close();
    },
  };
}

/** Opens the session's Mixer tab and waits until every stem is decoded. */
export async function openMixer(page: Page, url: string, sessionId: string, stems: number): Promise<void> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${url}/sessions/${sessionId}/mixer`);
  try {
    await page.waitForFunction(
      (n) => {
        const s = window.__mixroomMixer?.engine.state();
        return !!s && Object.values(s.stems).filter((x) => x.status === 'ready').length >= n;
      },
      stems,
      { timeout: 30_000 },
    );
  } catch (error) {
    const text = await page
      .locator('body')
      .textContent()
      .catch(() => '');
    throw new Error(
      `The mixer did not load its stems.\n${problems.join('\n')}\nPage:\n${(text ?? '').slice(0, 2000)}`,
      {
        cause: error,
      },
    );
  }
}

/** Decodes the base64 Float32 channels of `renderOffline`. */
export function decodeChannels(channels: string[]): Float32Array[] {
  return channels.map((b64) => {
    const bytes = Buffer.from(b64, 'base64');
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  });
}

/**
 * Amplitude of the `frequencyHz` component of `x[from, from + n)` by a single-bin DFT (Goertzel). With
 * a whole number of cycles in the window, other such sines do not leak into it.
 */
export function toneAmplitude(
  x: Float32Array,
  sampleRate: number,
  frequencyHz: number,
  from: number,
  n: number,
): number {
  const w = (2 * Math.PI * frequencyHz) / sampleRate;
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const v = x[from + i]!;
    re += v * Math.cos(w * i);
    im -= v * Math.sin(w * i);
  }
  return (2 * Math.hypot(re, im)) / n;
}
