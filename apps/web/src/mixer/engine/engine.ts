/**
 * The live stems mixer: one AudioContext, every stem an AudioBufferSourceNode started with the same
 * `when` and offset (sample-aligned from any start point), level automation from mix-model's gain curves,
 * and every change of the shared mix document — local or from a collaborator — re-scheduled the moment
 * the Y.Doc reports it (observeDeep, no frame wait) with a 10 ms glide.
 *
 * Scenes are switched by re-scheduling automation only; sources never restart, so there is no gap. The
 * engineer's bounce plays in sync on its own bus for A/B against a scene.
 */
import { type GainCurve, gainAt, type MixState, readMix } from '@mixroom/mix-model';
import type * as Y from 'yjs';
import { MixGraph, SEEK_FADE_S } from './graph';
import { blockPowers, estimateSceneLoudness, integratedLoudness, matchGainsDb } from './loudness';
import { MASTER, MeterBank, MeterStore } from './meters';
import type { PlaybackSystemId } from './playback-systems';
import { renderScene, renderSceneWav } from './render';
import { audibility, levelCurves, resolveSceneId, sameCurve } from './schedule';

/** A balance to compare the current scene with: another scene, or a revision's bounce. */
export type Compare =
  | { readonly kind: 'scene'; readonly sceneId: string }
  | { readonly kind: 'bounce'; readonly fileId: string; readonly label: string }
  | null;

export type LoadStatus = 'loading' | 'ready' | 'failed';

export interface LoudnessMatchState {
  /** Loudness of A and B in LUFS (A = the selected scene), null while unknown. */
  readonly aLufs: number | null;
  readonly bLufs: number | null;
  /** Gains applied, dB (the louder side is turned down). */
  readonly aDb: number;
  readonly bDb: number;
  /** 'estimated' for scenes (summed stem powers), 'measured' for a bounce. */
  readonly bMethod: 'estimated' | 'measured';
  readonly pending: boolean;
}

export interface EngineState {
  readonly playing: boolean;
  /** Song position when the state was emitted, seconds (use `position()` for the live value). */
  readonly position: number;
  /** Longest loaded stem, else the document's duration, seconds. */
  readonly duration: number;
  /** The scene selected (side A). */
  readonly sceneId: string | null;
  /** The scene whose automation is playing (B's scene while hearing a B scene). */
  readonly heardSceneId: string | null;
  readonly compare: Compare;
  readonly heard: 'a' | 'b';
  readonly loudnessMatch: LoudnessMatchState | null;
  readonly system: PlaybackSystemId;
  /** Per stem id. */
  readonly stems: Readonly<Record<string, { status: LoadStatus; error?: string }>>;
  readonly bounce: { status: LoadStatus; error?: string } | null;
  readonly metersReady: boolean;
  /** Changes on every play, pause and seek (a transport change others should hear about at once). */
  readonly transportSeq: number;
}

export interface MixerEngineOptions {
  /** The session's shared mix document. */
  readonly doc: Y.Doc;
  /** Loads a file's audio bytes. Default: `fetch('/api/files/:id/audio')` with the session cookie. */
  readonly loadAudio?: (fileId: string, signal: AbortSignal) => Promise<ArrayBuffer>;
  /** Context to play in. Default: a new interactive AudioContext (at `sampleRate` when given). */
  readonly context?: AudioContext;
  /** Sample rate for the default context, Hz. Default: the device's. */
  readonly sampleRate?: number;
  /** URL of the bundled meter worklet; null for no meters. */
  readonly meterWorkletUrl?: string | null;
  /** Time between a play/seek call and the first scheduled sample, seconds. Default 0.02. */
  readonly startLeadS?: number;
  /** Files decoded at once. Default 3. */
  readonly loadConcurrency?: number;
  /** Skip forward by the time an audio dropout lost, to keep time with the wall clock. Default true. */
  readonly keepTimeAfterDropouts?: boolean;
}

interface Load {
  readonly fileId: string;
  status: LoadStatus;
  error?: string;
  buffer: AudioBuffer | null;
  abort: AbortController;
  /** K-weighted 100 ms block powers, computed on demand for loudness matching. */
  blocks: Promise<Float64Array> | null;
  blocksDone: Float64Array | null;
}

/** Lead between a document change and its automation taking over, seconds (one render quantum + margin). */
const CHANGE_LEAD_S = 0.004;

export class MixerEngine {
  readonly ctx: AudioContext;
  readonly graph: MixGraph;
  readonly meters = new MeterStore();
  private readonly bank: MeterBank;
  private readonly doc: Y.Doc;
  private readonly loader: (fileId: string, signal: AbortSignal) => Promise<ArrayBuffer>;
  private readonly leadS: number;
  private readonly concurrency: number;
  private readonly keepTime: boolean;
  private mix: MixState;
  private curves = new Map<string, GainCurve>();
  private audible = new Map<string, boolean>();
  private readonly stemFiles = new Map<string, string>();
  private readonly loads = new Map<string, Load>();
  private readonly queue: Load[] = [];
  private active = 0;
  private playing = false;
  private transportSeq = 0;
  private startCtxTime = 0;
  private startOffset = 0;
  private pausedAt = 0;
  private sceneA: string | null = null;
  private compare: Compare = null;
  private heard: 'a' | 'b' = 'a';
  private matchOn = false;
  private match: LoudnessMatchState | null = null;
  private matchTimer: ReturnType<typeof setTimeout> | undefined;
  private matchRun = 0;
  private endTimer: ReturnType<typeof setTimeout> | undefined;
  private clockTimer: ReturnType<typeof setInterval> | undefined;
  private lastStamp: { contextTime: number; performanceTime: number } | null = null;
  private readonly stallListeners = new Set<(lostMs: number) => void>();
  /** Audio dropouts seen while playing: the output clock fell behind the wall clock by > 20 ms at once. */
  readonly stalls: { atMs: number; lostMs: number }[] = [];
  private readonly listeners = new Set<(s: EngineState) => void>();
  private readonly cleanups: (() => void)[] = [];
  private changeQueued = false;
  private disposed = false;
  /** performance.now() of the last document change applied to the graph (for latency measurements). */
  lastChangeAppliedAt = 0;
  /** performance.now() when the last update from elsewhere (a collaborator, via the sync socket) arrived. */
  lastRemoteUpdateAt = 0;

  constructor(options: MixerEngineOptions) {
    this.doc = options.doc;
    this.leadS = options.startLeadS ?? 0.02;
    this.concurrency = options.loadConcurrency ?? 3;
    this.keepTime = options.keepTimeAfterDropouts ?? true;
    this.loader =
      options.loadAudio ??
      (async (fileId, signal) => {
        const res = await fetch(`/api/files/${encodeURIComponent(fileId)}/audio`, {
          credentials: 'same-origin',
          signal,
        });
        if (!res.ok)
          throw new Error(res.status === 404 ? 'Audio not found.' : `Audio failed to load (${res.status}).`);
        return res.arrayBuffer();
      });
    this.ctx =
      options.context ??
      new AudioContext({
        latencyHint: 'interactive',
        ...(options.sampleRate && options.sampleRate >= 8000 && options.sampleRate <= 384000
          ? { sampleRate: options.sampleRate }
          : {}),
      });
    this.graph = new MixGraph(this.ctx);
    this.bank = new MeterBank(this.ctx, this.meters);
    if (options.meterWorkletUrl) {
      void this.bank.load(options.meterWorkletUrl).then((ok) => {
        if (!ok || this.disposed) return;
        this.bank.attach(MASTER, this.graph.master, true);
        for (const [id, ch] of this.graph.channels) this.bank.attach(id, ch.pan);
        this.emit();
      });
    }
    this.mix = readMix(this.doc);
    // Any change of the document, local or remote, reaches the graph in the same task (a microtask
    // after the transaction), not on the next animation frame.
    const onChange = () => this.queueChange();
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      // Local edits carry no origin (or a plain value); the sync provider applies remote ones as itself.
      if (origin && typeof origin === 'object') this.lastRemoteUpdateAt = performance.now();
    };
    this.doc.on('update', onUpdate);
    this.cleanups.push(() => this.doc.off('update', onUpdate));
    for (const name of ['meta', 'sections', 'stems', 'scenes'] as const) {
      const root = this.doc.getMap(name);
      root.observeDeep(onChange);
      this.cleanups.push(() => root.unobserveDeep(onChange));
    }
    this.applyMix(this.mix, true);
  }

  // ---------------------------------------------------------------- state

  subscribe(fn: (s: EngineState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  state(): EngineState {
    const stems: Record<string, { status: LoadStatus; error?: string }> = {};
    for (const [stemId, fileId] of this.stemFiles) {
      const l = this.loads.get(fileId);
      stems[stemId] = l
        ? { status: l.status, ...(l.error ? { error: l.error } : {}) }
        : { status: 'loading' };
    }
    const bounce = this.compare?.kind === 'bounce' ? this.loads.get(this.compare.fileId) : undefined;
    return {
      playing: this.playing,
      position: this.position(),
      duration: this.duration(),
      sceneId: this.currentSceneId(),
      heardSceneId: this.heardSceneId(),
      compare: this.compare,
      heard: this.heard,
      loudnessMatch: this.matchOn ? this.match : null,
      system: this.graph.systemId,
      stems,
      bounce: bounce ? { status: bounce.status, ...(bounce.error ? { error: bounce.error } : {}) } : null,
      metersReady: this.bank.ready,
      transportSeq: this.transportSeq,
    };
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  /** Song position at the context's current time, seconds. */
  position(): number {
    if (!this.playing) return this.pausedAt;
    return Math.max(0, this.startOffset + (this.ctx.currentTime - this.startCtxTime));
  }

  /** Song position of the sound leaving the speakers at `nowMs` (performance.now()), seconds. */
  audiblePosition(nowMs = performance.now()): number {
    if (!this.playing) return this.pausedAt;
    return Math.max(0, this.startOffset + (this.contextTimeAt(nowMs) - this.startCtxTime));
  }

  /** Context time whose sample is audible at `nowMs`, from `getOutputTimestamp`. */
  contextTimeAt(nowMs: number): number {
    const ts = this.ctx.getOutputTimestamp?.();
    if (ts?.performanceTime && ts.contextTime !== undefined) {
      return ts.contextTime + (nowMs - ts.performanceTime) / 1000;
    }
    return this.ctx.currentTime - (this.ctx.outputLatency || 0) - this.ctx.baseLatency;
  }

  /** performance.now() at which context time `t` will be audible. */
  performanceTimeOf(t: number): number {
    const ts = this.ctx.getOutputTimestamp?.();
    if (ts?.performanceTime && ts.contextTime !== undefined)
      return ts.performanceTime + (t - ts.contextTime) * 1000;
    return (
      performance.now() +
      (t - this.ctx.currentTime + (this.ctx.outputLatency || 0) + this.ctx.baseLatency) * 1000
    );
  }

  duration(): number {
    let d = 0;
    for (const fileId of this.stemFiles.values()) {
      const b = this.loads.get(fileId)?.buffer;
      if (b) d = Math.max(d, b.duration);
    }
    return d || this.mix.meta.durationS;
  }

  currentSceneId(): string | null {
    return resolveSceneId(this.mix, this.sceneA);
  }

  heardSceneId(): string | null {
    if (this.heard === 'b' && this.compare?.kind === 'scene')
      return resolveSceneId(this.mix, this.compare.sceneId);
    return this.currentSceneId();
  }

  get mixState(): MixState {
    return this.mix;
  }

  /**
   * Linear gain of a stem at song time `songS`: while playing, read from the automation actually
   * scheduled on its GainNodes (level × mute); while stopped, what would be scheduled.
   */
  gainAt(stemId: string, songS: number): number {
    const ch = this.graph.channels.get(stemId);
    if (this.playing && ch) {
      const t = this.startCtxTime + (songS - this.startOffset);
      if (t >= this.ctx.currentTime - 0.05) return ch.levelTl.valueAt(t) * ch.muteTl.valueAt(t);
    }
    const curve = this.curves.get(stemId);
    if (!curve) return 0;
    return gainAt(curve, songS) * (this.audible.get(stemId) === false ? 0 : 1);
  }

  /** Bytes of decoded audio held (frames x channels x 4). */
  decodedBytes(): number {
    let n = 0;
    for (const l of this.loads.values()) if (l.buffer) n += l.buffer.length * l.buffer.numberOfChannels * 4;
    return n;
  }

  /** Resolves when every stem of the document has loaded or failed. */
  whenLoaded(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        const done = [...this.stemFiles.values()].every((f) => {
          const s = this.loads.get(f)?.status;
          return s === 'ready' || s === 'failed';
        });
        if (done) {
          off();
          resolve();
        }
      };
      const off = this.subscribe(check);
      check();
    });
  }

  // ---------------------------------------------------------------- transport

  async play(): Promise<void> {
    if (this.disposed || this.playing) return;
    if (this.ctx.state !== 'running') await this.ctx.resume().catch(() => undefined);
    if (this.playing) return;
    let from = this.pausedAt;
    if (from >= this.duration() - 0.01) from = 0;
    this.startAt(from, this.ctx.currentTime + this.leadS, true);
    this.emit();
  }

  pause(): void {
    if (!this.playing) return;
    const at = this.ctx.currentTime + CHANGE_LEAD_S;
    const end = at + SEEK_FADE_S;
    this.pausedAt = Math.min(this.songAt(end), this.duration());
    this.fadeTransport(at, 0);
    this.graph.stopAll(end);
    this.playing = false;
    this.transportSeq++;
    clearTimeout(this.endTimer);
    this.emit();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else void this.play();
  }

  /** Jumps to song position `seconds`; while playing, with a few-ms fade instead of a click. */
  seek(seconds: number): void {
    const to = Math.max(0, Math.min(seconds, this.duration() || seconds));
    if (!this.playing) {
      this.pausedAt = to;
      this.transportSeq++;
      this.emit();
      return;
    }
    const at = this.ctx.currentTime + CHANGE_LEAD_S;
    this.fadeTransport(at, 0);
    this.startAt(to, at + SEEK_FADE_S, true);
    this.emit();
  }

  /**
   * Starts (or re-seeks) so that the song position audible at each moment follows `positionAtMs`
   * (a function of performance.now() time): used by follow mode to line up with a leader.
   */
  async playAligned(positionAtMs: (ms: number) => number): Promise<void> {
    if (this.disposed) return;
    if (this.ctx.state !== 'running') await this.ctx.resume().catch(() => undefined);
    const fadeAt = this.ctx.currentTime + this.leadS;
    if (this.playing) this.fadeTransport(fadeAt - SEEK_FADE_S, 0);
    const when = fadeAt;
    const from = Math.max(0, positionAtMs(this.performanceTimeOf(when)));
    this.startAt(from, when, true);
    this.emit();
  }

  private startAt(fromS: number, when: number, fadeIn: boolean): void {
    this.playing = true;
    this.transportSeq++;
    this.startCtxTime = when;
    this.startOffset = fromS;
    for (const stem of this.mix.stems) {
      const curve = this.curves.get(stem.id);
      if (curve) this.graph.scheduleLevel(stem.id, curve, fromS, when);
      const buffer = this.bufferOf(stem.id);
      if (buffer) this.graph.startStem(stem.id, buffer, when, fromS);
    }
    if (this.compare?.kind === 'bounce') {
      this.graph.startBounce(this.loads.get(this.compare.fileId)?.buffer ?? null, when, fromS);
    }
    if (fadeIn) {
      const tl = this.graph.transportTl;
      tl.cancelAndHoldAtTime(when);
      tl.setValueAtTime(0, when);
      tl.linearRampToValueAtTime(1, when + SEEK_FADE_S);
    }
    for (const ch of this.graph.channels.values()) ch.levelTl.prune(this.ctx.currentTime - 1);
    this.armEndTimer();
    this.watchClock();
  }

  /**
   * Watches the output clock while playing: when it loses more than 20 ms against the wall clock between
   * two looks 50 ms apart, the audio dropped out (a starved audio thread) and everything after it would
   * now play late. The transport skips forward by the time lost, so the song keeps time with the wall
   * clock: the dropout replaces music instead of delaying it, and in follow mode neither side's timeline
   * bends (no correction message is needed). Slow drift between the audio and wall clocks is left alone.
   */
  private watchClock(): void {
    this.lastStamp = null;
    if (this.clockTimer) return;
    this.clockTimer = setInterval(() => {
      if (!this.playing) {
        clearInterval(this.clockTimer);
        this.clockTimer = undefined;
        return;
      }
      const ts = this.ctx.getOutputTimestamp?.();
      if (!ts?.performanceTime || ts.contextTime === undefined) return;
      const now = { contextTime: ts.contextTime, performanceTime: ts.performanceTime };
      const last = this.lastStamp;
      this.lastStamp = now;
      if (!last) return;
      const lostMs = now.performanceTime - last.performanceTime - (now.contextTime - last.contextTime) * 1000;
      if (lostMs > 20) {
        const atMs = performance.now();
        this.stalls.push({ atMs, lostMs });
        if (this.stalls.length > 100) this.stalls.shift();
        if (this.keepTime) {
          const target = this.audiblePosition(atMs) + lostMs / 1000;
          void this.playAligned((ms) => target + (ms - atMs) / 1000);
        }
        for (const fn of this.stallListeners) fn(lostMs);
      }
    }, 50);
  }

  /** Calls `fn` with the milliseconds lost whenever the audio output drops out while playing. */
  onStall(fn: (lostMs: number) => void): () => void {
    this.stallListeners.add(fn);
    return () => this.stallListeners.delete(fn);
  }

  private fadeTransport(at: number, to: number): void {
    const tl = this.graph.transportTl;
    tl.cancelAndHoldAtTime(at);
    tl.linearRampToValueAtTime(to, at + SEEK_FADE_S);
  }

  /** Context time the current playback's sources were scheduled to start at. */
  scheduledStart(): number {
    return this.startCtxTime;
  }

  private songAt(contextTime: number): number {
    return this.startOffset + (contextTime - this.startCtxTime);
  }

  private armEndTimer(): void {
    clearTimeout(this.endTimer);
    const remaining = this.duration() - this.position();
    if (remaining <= 0 && this.duration() > 0) {
      this.pause();
      this.pausedAt = this.duration();
      this.emit();
      return;
    }
    this.endTimer = setTimeout(() => this.armEndTimer(), Math.max(50, Math.min(remaining * 1000 + 30, 5000)));
  }

  // ---------------------------------------------------------------- scenes and A/B

  /** Selects the scene heard as A (re-schedules automation only; playback never stops). */
  setScene(sceneId: string | null): void {
    if (sceneId === this.sceneA) return;
    this.sceneA = sceneId;
    this.heard = 'a';
    this.refreshCurves(this.changeTime());
    this.applyHeard(this.changeTime());
    this.scheduleMatch();
    this.emit();
  }

  /** Sets what A is compared with (null: no comparison) and goes back to hearing A. */
  setCompare(compare: Compare): void {
    this.compare = compare;
    this.heard = 'a';
    const at = this.changeTime();
    if (compare?.kind === 'bounce') {
      const load = this.ensureLoad(compare.fileId);
      if (load.buffer && this.playing) this.graph.startBounce(load.buffer, at, this.songAt(at));
    } else this.graph.startBounce(null, at, 0);
    this.refreshCurves(at);
    this.applyHeard(at);
    this.scheduleMatch();
    this.emit();
  }

  /** Hears side A or B of the comparison; scenes glide, the bounce crossfades; nothing restarts. */
  hear(side: 'a' | 'b'): void {
    if (side === this.heard || (side === 'b' && !this.compare)) return;
    this.heard = side;
    const at = this.changeTime();
    this.refreshCurves(at);
    this.applyHeard(at);
    this.emit();
  }

  toggleAB(): void {
    this.hear(this.heard === 'a' ? 'b' : 'a');
  }

  setLoudnessMatch(on: boolean): void {
    this.matchOn = on;
    if (!on) {
      this.match = null;
      this.graph.setMatch(1, 1, this.changeTime());
    } else this.scheduleMatch(0);
    this.emit();
  }

  setSystem(id: PlaybackSystemId): void {
    this.graph.setSystem(id, this.changeTime());
    this.emit();
  }

  private applyHeard(at: number): void {
    this.graph.hearBounce(this.heard === 'b' && this.compare?.kind === 'bounce', at);
    this.applyMatchGains(at);
  }

  private applyMatchGains(at: number): void {
    const m = this.matchOn ? this.match : null;
    const a = m ? 10 ** (m.aDb / 20) : 1;
    const b = m ? 10 ** (m.bDb / 20) : 1;
    if (this.compare?.kind === 'bounce') this.graph.setMatch(a, b, at);
    else this.graph.setMatch(this.heard === 'b' && this.compare ? b : a, 1, at);
  }

  private scheduleMatch(delayMs = 250): void {
    if (!this.matchOn) return;
    clearTimeout(this.matchTimer);
    this.matchTimer = setTimeout(() => void this.computeMatch(), delayMs);
  }

  /** Measures or estimates both sides' loudness (see loudness.ts) and applies the match gains. */
  private async computeMatch(): Promise<void> {
    const run = ++this.matchRun;
    this.match = {
      aLufs: null,
      bLufs: null,
      aDb: 0,
      bDb: 0,
      bMethod: 'estimated',
      ...this.match,
      pending: true,
    };
    this.emit();
    const stemBlocks = new Map<string, Float64Array>();
    for (const stem of this.mix.stems) {
      const load = this.loads.get(this.stemFiles.get(stem.id) ?? '');
      if (load?.buffer) stemBlocks.set(stem.id, await this.blocksOf(load));
    }
    const aud = audibility(this.mix);
    const a = estimateSceneLoudness(stemBlocks, levelCurves(this.mix, this.currentSceneId()), aud);
    let b: number | null = null;
    let bMethod: 'estimated' | 'measured' = 'estimated';
    if (this.compare?.kind === 'scene') {
      b = estimateSceneLoudness(stemBlocks, levelCurves(this.mix, this.compare.sceneId), aud);
    } else if (this.compare?.kind === 'bounce') {
      const load = this.loads.get(this.compare.fileId);
      if (load?.buffer) {
        b = integratedLoudness(await this.blocksOf(load));
        bMethod = 'measured';
      }
    }
    if (run !== this.matchRun || !this.matchOn) return;
    const fin = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null);
    const [aDb, bDb] = matchGainsDb(fin(a), fin(b));
    this.match = { aLufs: fin(a), bLufs: fin(b), aDb, bDb, bMethod, pending: false };
    this.applyMatchGains(this.changeTime());
    this.emit();
  }

  private blocksOf(load: Load): Promise<Float64Array> {
    if (!load.blocks && load.buffer) {
      const buf = load.buffer;
      const channels = Array.from({ length: buf.numberOfChannels }, (_, c) => buf.getChannelData(c));
      load.blocks = blockPowers(channels, buf.sampleRate, { signal: load.abort.signal }).then((b) => {
        load.blocksDone = b;
        return b;
      });
    }
    return load.blocks ?? Promise.resolve(new Float64Array(0));
  }

  // ---------------------------------------------------------------- document changes

  private queueChange(): void {
    if (this.changeQueued || this.disposed) return;
    this.changeQueued = true;
    queueMicrotask(() => {
      this.changeQueued = false;
      if (this.disposed) return;
      this.applyMix(readMix(this.doc), false);
      this.lastChangeAppliedAt = performance.now();
    });
  }

  private changeTime(): number {
    return this.ctx.currentTime + CHANGE_LEAD_S;
  }

  private applyMix(mix: MixState, initial: boolean): void {
    this.mix = mix;
    const at = this.changeTime();
    const live = this.playing && !initial;
    const seen = new Set<string>();
    for (const stem of mix.stems) {
      seen.add(stem.id);
      const known = this.graph.channels.has(stem.id);
      this.graph.channel(stem.id);
      if (!known) this.bank.attach(stem.id, this.graph.channels.get(stem.id)!.pan);
      this.graph.setPan(stem.id, stem.pan, at, live);
      if (this.stemFiles.get(stem.id) !== stem.fileId) {
        this.stemFiles.set(stem.id, stem.fileId);
        const load = this.ensureLoad(stem.fileId);
        if (load.buffer && this.playing) this.joinPlaying(stem.id, load.buffer);
      }
    }
    for (const stemId of [...this.graph.channels.keys()]) {
      if (seen.has(stemId)) continue;
      this.graph.removeChannel(stemId, at);
      this.bank.detach(stemId);
      this.stemFiles.delete(stemId);
    }
    this.dropUnusedLoads();
    this.audible = audibility(mix);
    for (const [stemId, on] of this.audible) this.graph.setAudible(stemId, on, at, !live);
    this.refreshCurves(at);
    this.scheduleMatch();
    this.emit();
  }

  /** Recomputes the heard scene's curves and moves every stem whose curve changed onto its new one. */
  private refreshCurves(at: number): void {
    const next = levelCurves(this.mix, this.heardSceneId());
    for (const [stemId, curve] of next) {
      if (this.playing && !sameCurve(this.curves.get(stemId), curve)) {
        this.graph.glideLevel(stemId, curve, at, (t) => this.songAt(t));
      }
    }
    this.curves = next;
  }

  // ---------------------------------------------------------------- loading

  private bufferOf(stemId: string): AudioBuffer | null {
    const fileId = this.stemFiles.get(stemId);
    return (fileId && this.loads.get(fileId)?.buffer) || null;
  }

  /** A stem that finished loading while playing joins in sync with the others. */
  private joinPlaying(stemId: string, buffer: AudioBuffer): void {
    const when = this.ctx.currentTime + this.leadS;
    const from = this.songAt(when);
    const curve = this.curves.get(stemId);
    if (curve) this.graph.scheduleLevel(stemId, curve, from, when);
    this.graph.startStem(stemId, buffer, when, from);
  }

  private ensureLoad(fileId: string): Load {
    let load = this.loads.get(fileId);
    if (load) return load;
    load = {
      fileId,
      status: 'loading',
      buffer: null,
      abort: new AbortController(),
      blocks: null,
      blocksDone: null,
    };
    this.loads.set(fileId, load);
    this.queue.push(load);
    this.pump();
    return load;
  }

  private pump(): void {
    while (this.active < this.concurrency && this.queue.length > 0) {
      const load = this.queue.shift()!;
      if (load.abort.signal.aborted) continue;
      this.active++;
      void this.decode(load).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }

  private async decode(load: Load): Promise<void> {
    try {
      const bytes = await this.loader(load.fileId, load.abort.signal);
      const buffer = await this.ctx.decodeAudioData(bytes);
      if (load.abort.signal.aborted) return;
      load.buffer = buffer;
      load.status = 'ready';
      if (this.playing) {
        for (const [stemId, fileId] of this.stemFiles)
          if (fileId === load.fileId) this.joinPlaying(stemId, buffer);
        if (this.compare?.kind === 'bounce' && this.compare.fileId === load.fileId) {
          const when = this.ctx.currentTime + this.leadS;
          this.graph.startBounce(buffer, when, this.songAt(when));
        }
      }
      this.armEndTimer();
      this.scheduleMatch();
    } catch (error) {
      if (load.abort.signal.aborted) return;
      load.status = 'failed';
      load.error = error instanceof Error ? error.message : 'The audio could not be decoded.';
    }
    this.emit();
  }

  private dropUnusedLoads(): void {
    const used = new Set(this.stemFiles.values());
    if (this.compare?.kind === 'bounce') used.add(this.compare.fileId);
    for (const [fileId, load] of this.loads) {
      if (used.has(fileId)) continue;
      load.abort.abort();
      this.loads.delete(fileId);
    }
  }

  /** Context time of the next sample above `threshold` on a meter (the master by default), or null. */
  nextOnset(key: string = MASTER, threshold = 1e-4): Promise<number | null> {
    return this.bank.nextOnset(key, threshold);
  }

  /** Clears the master meter's true-peak hold. */
  resetMeterHolds(): void {
    this.bank.resetHold(MASTER);
  }

  // ---------------------------------------------------------------- export

  /** Decoded buffers by stem id (what is loaded so far). */
  stemBuffers(): Map<string, AudioBuffer> {
    const out = new Map<string, AudioBuffer>();
    for (const stem of this.mix.stems) {
      const b = this.bufferOf(stem.id);
      if (b) out.set(stem.id, b);
    }
    return out;
  }

  /** Renders a scene offline with the same graph builder (default: the scene heard now). */
  render(options: { sceneId?: string | null; fromS?: number; toS?: number } = {}): Promise<AudioBuffer> {
    return renderScene(this.mix, this.stemBuffers(), { sceneId: this.heardSceneId(), ...options });
  }

  renderWav(options: { sceneId?: string | null; bitDepth?: 16 | 24 } = {}): Promise<Blob> {
    return renderSceneWav(this.mix, this.stemBuffers(), { sceneId: this.heardSceneId(), ...options });
  }

  // ---------------------------------------------------------------- lifecycle

  private emit(): void {
    if (this.disposed) return;
    const s = this.state();
    for (const fn of this.listeners) fn(s);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.endTimer);
    clearTimeout(this.matchTimer);
    clearInterval(this.clockTimer);
    this.stallListeners.clear();
    for (const c of this.cleanups) c();
    for (const l of this.loads.values()) l.abort.abort();
    this.loads.clear();
    this.listeners.clear();
    this.bank.dispose();
    this.graph.dispose();
    void this.ctx.close().catch(() => undefined);
  }
}
