/**
 * Browser helpers shared by the browser tests and bench/web: a current build of the web app (the
 * server serves apps/web/dist), Chromium through playwright-core with the flags from STACK-NOTES.md,
 * and the type of the mixer's page-side debug hook. No server imports.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
const webDir = join(root, 'apps/web');

/** Chromium flags from STACK-NOTES.md; without the autoplay flag an AudioContext never starts. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds apps/web into apps/web/dist when the build is missing or older than the sources it bundles
 * (under a lock, so parallel test files and engineers never build over each other).
 */
export function ensureWebBuild(): void {
  const index = join(webDir, 'dist/index.html');
  const sources = Math.max(
    newestMtime(join(webDir, 'src')),
    statSync(join(webDir, 'index.html')).mtimeMs,
    newestMtime(join(root, 'packages/mix-model/src')),
    newestMtime(join(root, 'packages/contract/src')),
  );
  if (existsSync(index) && statSync(index).mtimeMs > sources) return;
  execFileSync('flock', ['/tmp/mixroom-web-build.lock', 'npx', 'vite', 'build', '--logLevel', 'warn'], {
    cwd: webDir,
    stdio: 'inherit',
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** The page-side debug hook (apps/web/src/mixer/debug.ts), as test code sees it. */
export interface PageMixer {
  engine: {
    state(): {
      playing: boolean;
      sceneId: string | null;
      heardSceneId: string | null;
      metersReady: boolean;
      transportSeq: number;
      heard: 'a' | 'b';
      bounce: { status: string } | null;
      loudnessMatch: {
        aLufs: number | null;
        bLufs: number | null;
        aDb: number;
        bDb: number;
        bMethod: string;
        pending: boolean;
      } | null;
      stems: Record<string, { status: string }>;
    };
    mixState: { stems: { id: string; name: string }[] };
    setScene(id: string | null): void;
    setCompare(
      compare: { kind: 'scene'; sceneId: string } | { kind: 'bounce'; fileId: string; label: string } | null,
    ): void;
    setLoudnessMatch(on: boolean): void;
    hear(side: 'a' | 'b'): void;
    play(): Promise<void>;
    pause(): void;
    seek(s: number): void;
    position(): number;
    isPlaying: boolean;
  };
  gainAt(stemId: string, songS: number): number;
  audible(): { position: number; playing: boolean; epochMs: number };
  follow(): {
    leader: string | null;
    checks: number;
    corrections: number;
    lastDriftS: number;
    maxDriftS: number;
    recent: { playhead: number; playing: boolean; receivedAtMs: number }[];
    log: { atMs: number; action: string; mine: number; leader: number }[];
    timeOrigin: number;
  };
  renderOffline(options?: { sceneId?: string | null; fromS?: number; toS?: number }): Promise<{
    sampleRate: number;
    channels: string[];
  }>;
  decodedBytes(): number;
  measureNextPlay(): Promise<{
    clickMs: number;
    scheduledCtx: number;
    scheduledAudibleMs: number;
    onsetCtx: number | null;
    onsetAudibleMs: number | null;
    baseLatency: number;
    outputLatency: number;
  }>;
  nextStemOnset(
    stemId: string,
    threshold: number,
  ): Promise<{ onsetAudibleMs: number; epochMs: number } | null>;
  lastRemoteUpdate(): { arrivedMs: number; appliedMs: number; timeOrigin: number };
  stalls(): { epochMs: number; lostMs: number }[];
  systemResponseDb(id: string, frequencies: number[]): number[];
  systemModelDb(id: string, frequencies: number[]): number[];
}

declare global {
  // Page functions passed to page.evaluate run in the browser, where the hook lives on window.
  var window: { __mixroomMixer?: PageMixer };
}
