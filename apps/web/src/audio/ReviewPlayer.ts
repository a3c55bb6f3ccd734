/**
 * Plays one revision's bounce, or two in lock-step for A/B: both are decoded to AudioBuffers and started
 * at the same context time with the same offset, so switching never has a gap. Which one is heard is a
 * single control value p (0 = A, 1 = B) ramped linearly over the crossfade time; two wave shapers turn p
 * into equal-power gains (cos, sin), so the loudness does not dip in the middle of the fade.
 */

export interface TrackSource {
  /** Identifies the track (the revision id). */
  key: string;
  url: string;
  /** Measured integrated loudness in LUFS, for loudness-matched A/B. */
  integratedLufs: number | null;
}

export interface PlayerOptions {
  /** Crossfade length when switching A/B, in seconds. Default 0.03. */
  crossfadeS?: number;
  /** Lead time before scheduled starts, in seconds, so both voices start on the same sample. Default 0.02. */
  startLeadS?: number;
  /** Loads audio bytes; default `fetch` with the session cookie. */
  load?: (url: string, signal: AbortSignal) => Promise<ArrayBuffer>;
  /** Context to use (tests pass an OfflineAudioContext). Default a new AudioContext, closed by dispose(). */
  context?: BaseAudioContext;
}

export interface PlayerState {
  playing: boolean;
  /** Seconds; sampled when the state was emitted (use `position()` for the live value). */
  position: number;
  duration: number;
  /** Key of the track being heard. */
  active: string | null;
  /** Key of the other A/B track, or null when not comparing. */
  compare: string | null;
  loudnessMatch: boolean;
  /** Per track: loading / ready / failed, and the gain applied for loudness matching in dB. */
  tracks: Record<string, { status: 'loading' | 'ready' | 'failed'; error?: string; matchDb: number }>;
}

interface Track {
  source: TrackSource;
  buffer: AudioBuffer | null;
  status: 'loading' | 'ready' | 'failed';
  error?: string;
  abort: AbortController;
}

interface Voice {
  key: string;
  slot: 'a' | 'b';
  shaper: WaveShaperNode;
  src: AudioBufferSourceNode;
  match: GainNode;
  fade: GainNode;
}

const CURVE_POINTS = 1025;

function equalPowerCurve(kind: 'a' | 'b'): Float32Array<ArrayBuffer> {
  const curve = new Float32Array(CURVE_POINTS);
  for (let i = 0; i < CURVE_POINTS; i++) {
    const x = (i / (CURVE_POINTS - 1)) * 2 - 1; // shaper input domain is -1..1; p lives in 0..1
    const p = Math.max(0, x);
    curve[i] = kind === 'a' ? Math.cos((p * Math.PI) / 2) : Math.sin((p * Math.PI) / 2);
  }
  return curve;
}

const dbToGain = (db: number) => 10 ** (db / 20);

export class ReviewPlayer {
  readonly ctx: BaseAudioContext;
  private readonly ownsContext: boolean;
  private readonly crossfadeS: number;
  private readonly leadS: number;
  private readonly loader: (url: string, signal: AbortSignal) => Promise<ArrayBuffer>;
  private readonly tracks = new Map<string, Track>();
  private readonly master: GainNode;
  /** p: 0 = track A heard, 1 = track B heard. */
  private readonly control: ConstantSourceNode;
  private readonly shaperA: WaveShaperNode;
  private readonly shaperB: WaveShaperNode;
  private voices: Voice[] = [];
  private a: string | null = null;
  private b: string | null = null;
  private heard: 'a' | 'b' = 'a';
  /** The A/B control's current ramp (context times in seconds). */
  private fade = { from: 0, to: 0, start: 0, end: 0 };
  private playing = false;
  private startCtxTime = 0;
  private startOffset = 0;
  private pausedAt = 0;
  private durationHint = 0;
  private matchOn = false;
  private readonly listeners = new Set<(state: PlayerState) => void>();
  private endTimer: number | undefined;
  private disposed = false;

  constructor(options: PlayerOptions = {}) {
    this.crossfadeS = options.crossfadeS ?? 0.03;
    this.leadS = options.startLeadS ?? 0.02;
    this.loader =
      options.load ??
      (async (url, signal) => {
        const res = await fetch(url, { credentials: 'same-origin', signal });
        if (!res.ok)
          throw new Error(res.status === 404 ? 'Audio not found.' : `Audio failed to load (${res.status}).`);
        return res.arrayBuffer();
      });
    this.ownsContext = !options.context;
    this.ctx = options.context ?? new AudioContext({ latencyHint: 'interactive' });
    this.master = this.ctx.createGain();
    this.master.connect(this.ctx.destination);
    this.control = this.ctx.createConstantSource();
    this.control.offset.value = 0;
    this.shaperA = this.ctx.createWaveShaper();
    this.shaperA.curve = equalPowerCurve('a');
    this.shaperB = this.ctx.createWaveShaper();
    this.shaperB.curve = equalPowerCurve('b');
    this.control.connect(this.shaperA);
    this.control.connect(this.shaperB);
    this.control.start();
  }

  /** Sets track A (heard) and optionally track B (kept in sync for switching). Loads what is new. */
  setTracks(a: TrackSource | null, b: TrackSource | null = null): void {
    const keep = new Set([a?.key, b?.key].filter(Boolean) as string[]);
    for (const [key, track] of this.tracks) {
      if (!keep.has(key)) {
        track.abort.abort();
        this.tracks.delete(key);
      }
    }
    for (const src of [a, b]) if (src && !this.tracks.has(src.key)) this.load(src);
    for (const src of [a, b]) {
      const t = src && this.tracks.get(src.key);
      if (t) t.source = src; // loudness may arrive after the track was added
    }
    const aChanged = this.a !== (a?.key ?? null);
    const bChanged = this.b !== (b?.key ?? null);
    this.a = a?.key ?? null;
    this.b = b?.key ?? null;
    if (aChanged || bChanged) {
      this.heard = 'a';
      this.setControl(0, 0);
    }
    if (this.playing && aChanged) {
      // Another song version in slot A: start both from the current position.
      this.restartVoices(this.position());
    } else if (this.playing && bChanged) {
      // Only B changed: A keeps playing untouched, B joins in sync once decoded.
      this.dropVoice('b');
      this.joinVoice('b');
    }
    this.applyMatch();
    this.emit();
  }

  /** Switches which of the two tracks is heard, with an equal-power crossfade; playback never stops. */
  switchTo(key: string): void {
    const which = key === this.a ? 'a' : key === this.b ? 'b' : null;
    if (!which || which === this.heard) return;
    this.heard = which;
    this.setControl(which === 'a' ? 0 : 1, this.crossfadeS);
    this.emit();
  }

  /** Toggles A/B. */
  toggleAB(): void {
    const other = this.heard === 'a' ? this.b : this.a;
    if (other) this.switchTo(other);
  }

  setLoudnessMatch(on: boolean): void {
    this.matchOn = on;
    this.applyMatch();
    this.emit();
  }

  /** Duration known before decoding (from the analysis), so the timeline can be drawn early. */
  setDurationHint(seconds: number): void {
    this.durationHint = seconds;
    this.emit();
  }

  async play(): Promise<void> {
    if (this.disposed || this.playing) return;
    await this.resumeAudio();
    const ready = this.activeBuffer();
    if (!ready) return;
    let from = this.pausedAt;
    if (from >= this.duration() - 0.01) from = 0;
    this.playing = true;
    this.restartVoices(from);
    this.emit();
  }

  pause(): void {
    if (!this.playing) return;
    this.pausedAt = this.position();
    this.playing = false;
    this.stopVoices();
    this.emit();
  }

  /**
   * Lets audio start. Call it from a user gesture (a click) when playback may later start without one,
   * e.g. before following someone else's transport.
   */
  async resumeAudio(): Promise<void> {
    const ctx = this.ctx as AudioContext;
    if (ctx.state === 'suspended' && this.ownsContext) await ctx.resume().catch(() => undefined);
  }

  toggle(): void {
    if (this.playing) this.pause();
    else void this.play();
  }

  seek(seconds: number): void {
    const t = Math.max(0, Math.min(seconds, this.duration() || seconds));
    if (this.playing) this.restartVoices(t);
    else this.pausedAt = t;
    this.emit();
  }

  /** Live playhead in seconds. */
  position(): number {
    if (!this.playing) return this.pausedAt;
    const t = this.startOffset + Math.max(0, this.ctx.currentTime - this.startCtxTime);
    return Math.min(t, this.duration());
  }

  duration(): number {
    let d = 0;
    for (const key of [this.a, this.b]) {
      const buf = key ? this.tracks.get(key)?.buffer : null;
      if (buf) d = Math.max(d, buf.duration);
    }
    return d || this.durationHint;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  get activeKey(): string | null {
    return this.heard === 'a' ? this.a : this.b;
  }

  state(): PlayerState {
    const tracks: PlayerState['tracks'] = {};
    const gains = this.matchGainsDb();
    for (const [key, t] of this.tracks) {
      tracks[key] = { status: t.status, error: t.error, matchDb: gains[key] ?? 0 };
    }
    return {
      playing: this.playing,
      position: this.position(),
      duration: this.duration(),
      active: this.activeKey,
      compare: this.heard === 'a' ? this.b : this.a,
      loudnessMatch: this.matchOn,
      tracks,
    };
  }

  /** Decoded audio of a track, once loaded (for drawing a waveform when the server has none). */
  buffer(key: string): AudioBuffer | null {
    return this.tracks.get(key)?.buffer ?? null;
  }

  subscribe(listener: (state: PlayerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopVoices();
    for (const t of this.tracks.values()) t.abort.abort();
    this.tracks.clear();
    this.listeners.clear();
    try {
      this.control.stop();
    } catch {
      // already stopped
    }
    if (this.ownsContext) void (this.ctx as AudioContext).close().catch(() => undefined);
  }

  private load(source: TrackSource): void {
    const track: Track = { source, buffer: null, status: 'loading', abort: new AbortController() };
    this.tracks.set(source.key, track);
    this.loader(source.url, track.abort.signal)
      .then((bytes) => this.ctx.decodeAudioData(bytes))
      .then((buffer) => {
        if (this.tracks.get(source.key) !== track) return;
        track.buffer = buffer;
        track.status = 'ready';
        // A track that finishes loading while the other one plays joins it in sync, without a restart.
        if (this.playing) {
          if (source.key === this.a) this.joinVoice('a');
          if (source.key === this.b) this.joinVoice('b');
        }
        this.emit();
      })
      .catch((error: unknown) => {
        if (this.tracks.get(source.key) !== track || track.abort.signal.aborted) return;
        track.status = 'failed';
        track.error = error instanceof Error ? error.message : 'The audio could not be decoded.';
        this.emit();
      });
  }

  private activeBuffer(): AudioBuffer | null {
    const key = this.activeKey;
    return key ? (this.tracks.get(key)?.buffer ?? null) : null;
  }

  private restartVoices(offset: number): void {
    this.stopVoices();
    const when = this.ctx.currentTime + this.leadS;
    this.startCtxTime = when;
    this.startOffset = offset;
    this.startVoice('a', when, offset);
    this.startVoice('b', when, offset);
    this.armEndTimer();
  }

  /** Starts a slot's voice aligned with the running timeline (same song position as the other voice). */
  private joinVoice(slot: 'a' | 'b'): void {
    if (!this.playing || this.voices.some((v) => v.slot === slot)) return;
    const when = this.ctx.currentTime + this.leadS;
    this.startVoice(slot, when, this.startOffset + (when - this.startCtxTime));
    this.armEndTimer();
  }

  private startVoice(slot: 'a' | 'b', when: number, offset: number): void {
    const key = slot === 'a' ? this.a : this.b;
    const buffer = key ? this.tracks.get(key)?.buffer : null;
    if (!key || !buffer || offset >= buffer.duration) return;
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    const match = this.ctx.createGain();
    match.gain.value = dbToGain(this.matchGainsDb()[key] ?? 0);
    const fade = this.ctx.createGain();
    fade.gain.value = 0; // driven entirely by the shaper output
    const shaper = slot === 'a' ? this.shaperA : this.shaperB;
    shaper.connect(fade.gain);
    src.connect(match).connect(fade).connect(this.master);
    src.start(when, offset);
    this.voices.push({ key, slot, shaper, src, match, fade });
  }

  private armEndTimer(): void {
    window.clearTimeout(this.endTimer);
    const remaining = this.duration() - this.position();
    this.endTimer = window.setTimeout(() => this.checkEnded(), (remaining + this.leadS) * 1000 + 30);
  }

  private checkEnded(): void {
    if (!this.playing) return;
    const remaining = this.duration() - this.position();
    if (remaining > 0.02) {
      this.endTimer = window.setTimeout(() => this.checkEnded(), remaining * 1000 + 30);
      return;
    }
    this.playing = false;
    this.stopVoices();
    this.pausedAt = this.duration();
    this.emit();
  }

  private stopVoices(): void {
    window.clearTimeout(this.endTimer);
    for (const v of this.voices) this.releaseVoice(v);
    this.voices = [];
  }

  private dropVoice(slot: 'a' | 'b'): void {
    for (const v of this.voices.filter((v) => v.slot === slot)) this.releaseVoice(v);
    this.voices = this.voices.filter((v) => v.slot !== slot);
  }

  private releaseVoice(v: Voice): void {
    try {
      v.src.stop();
    } catch {
      // never started
    }
    v.src.disconnect();
    v.fade.disconnect();
    v.shaper.disconnect(v.fade.gain);
  }

  /** The A/B control value p at context time t, from the last scheduled fade. */
  private controlAt(t: number): number {
    const f = this.fade;
    if (t <= f.start) return f.from;
    if (t >= f.end) return f.to;
    return f.from + ((f.to - f.from) * (t - f.start)) / (f.end - f.start);
  }

  private setControl(target: number, seconds: number): void {
    const param = this.control.offset;
    const now = this.ctx.currentTime;
    const from = this.controlAt(now);
    // A switch during a running fade continues from where the fade is, over the remaining distance.
    const duration = seconds * Math.abs(target - from);
    // Hold the running ramp at `now` and anchor an explicit event there: a ramp is measured from the
    // previous event, and without the anchor it would start back at the last switch.
    param.cancelAndHoldAtTime(now);
    param.setValueAtTime(from, now);
    if (duration > 0) param.linearRampToValueAtTime(target, now + duration);
    else param.setValueAtTime(target, now);
    this.fade = { from, to: target, start: now, end: now + duration };
  }

  /** Loudness-match gains in dB: the louder track is turned down to the quieter one (never up). */
  private matchGainsDb(): Record<string, number> {
    const out: Record<string, number> = {};
    const a = this.a ? this.tracks.get(this.a)?.source.integratedLufs : null;
    const b = this.b ? this.tracks.get(this.b)?.source.integratedLufs : null;
    if (!this.matchOn || a == null || b == null || !this.a || !this.b) return out;
    const target = Math.min(a, b);
    out[this.a] = target - a;
    out[this.b] = target - b;
    return out;
  }

  private applyMatch(): void {
    const gains = this.matchGainsDb();
    const now = this.ctx.currentTime;
    for (const v of this.voices) {
      v.match.gain.setTargetAtTime(dbToGain(gains[v.key] ?? 0), now, 0.01);
    }
  }

  private emit(): void {
    const state = this.state();
    for (const l of this.listeners) l(state);
  }
}
