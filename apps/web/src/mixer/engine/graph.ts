/**
 * The mixer's audio graph, built the same way for live playback (AudioContext) and for the offline
 * render (OfflineAudioContext), so an exported WAV is what the room heard:
 *
 *   stem source -> level (clip + section offset + fader automation) -> mute/solo -> pan -> stem bus
 *   stem bus -> stems match -> stems fade ┐
 *   bounce source -> bounce match -> bounce fade ┴-> transport -> master -> playback system -> output
 *
 * "match" gains loudness-match an A/B, "fade" gains crossfade between the stems and the engineer's
 * bounce, "transport" fades around seeks so a restart never clicks. Meters tap each stem after its pan
 * and the master before the playback-system simulation (they measure the mix, not the simulated
 * speaker).
 */
import type { GainCurve } from '@mixroom/mix-model';
import { ParamTimeline } from './param-timeline';
import { buildSystemChain, type PlaybackSystemId, type SystemChain } from './playback-systems';
import { glideToCurve, rampAudible, scheduleCurve } from './schedule';

/** Crossfade between playback systems and between stems and bounce, in seconds. */
export const CROSSFADE_S = 0.03;
/** Fade of the transport gain around a seek, in seconds. */
export const SEEK_FADE_S = 0.006;

export interface StemChannel {
  readonly stemId: string;
  readonly level: GainNode;
  readonly levelTl: ParamTimeline;
  readonly mute: GainNode;
  readonly muteTl: ParamTimeline;
  readonly pan: StereoPannerNode;
  source: AudioBufferSourceNode | null;
  /** Current pan value, to skip redundant updates. */
  panValue: number;
  audible: boolean;
}

export interface MixGraphOptions {
  /** Where the simulated programme goes. Default `ctx.destination`. */
  readonly destination?: AudioNode;
  /** Initial playback system. Default 'studio'. */
  readonly system?: PlaybackSystemId;
}

export class MixGraph {
  readonly channels = new Map<string, StemChannel>();
  readonly stemBus: GainNode;
  readonly stemsMatch: GainNode;
  readonly stemsFade: GainNode;
  readonly bounceMatch: GainNode;
  readonly bounceFade: GainNode;
  readonly transport: GainNode;
  readonly transportTl: ParamTimeline;
  readonly master: GainNode;
  private readonly destination: AudioNode;
  private system: SystemChain;
  private bounceSource: AudioBufferSourceNode | null = null;

  constructor(
    readonly ctx: BaseAudioContext,
    options: MixGraphOptions = {},
  ) {
    this.destination = options.destination ?? ctx.destination;
    this.stemBus = ctx.createGain();
    this.stemsMatch = ctx.createGain();
    this.stemsFade = ctx.createGain();
    this.bounceMatch = ctx.createGain();
    this.bounceFade = ctx.createGain();
    this.bounceFade.gain.value = 0;
    this.transport = ctx.createGain();
    this.transportTl = new ParamTimeline(this.transport.gain, 1);
    this.master = ctx.createGain();
    this.stemBus.connect(this.stemsMatch).connect(this.stemsFade).connect(this.transport);
    this.bounceMatch.connect(this.bounceFade).connect(this.transport);
    this.transport.connect(this.master);
    this.system = buildSystemChain(ctx, options.system ?? 'studio');
    this.master.connect(this.system.input);
    this.system.output.connect(this.destination);
  }

  get systemId(): PlaybackSystemId {
    return this.system.id;
  }

  /** The channel of a stem, created (silent until scheduled) when missing. */
  channel(stemId: string): StemChannel {
    let ch = this.channels.get(stemId);
    if (ch) return ch;
    const level = this.ctx.createGain();
    level.gain.value = 0;
    const mute = this.ctx.createGain();
    const pan = this.ctx.createStereoPanner();
    level.connect(mute).connect(pan).connect(this.stemBus);
    ch = {
      stemId,
      level,
      levelTl: new ParamTimeline(level.gain, 0),
      mute,
      muteTl: new ParamTimeline(mute.gain, 1),
      pan,
      source: null,
      panValue: 0,
      audible: true,
    };
    this.channels.set(stemId, ch);
    return ch;
  }

  removeChannel(stemId: string, at: number): void {
    const ch = this.channels.get(stemId);
    if (!ch) return;
    this.channels.delete(stemId);
    rampAudible(ch.muteTl, false, at);
    stopSource(ch.source, at + 0.01);
    // Disconnect after the fade; an offline graph never removes channels.
    setTimeout(() => {
      ch.level.disconnect();
      ch.mute.disconnect();
      ch.pan.disconnect();
    }, 100);
  }

  /** Sets a stem's pan (-1..1); `smooth` glides over a few ms while playing. */
  setPan(stemId: string, pan: number, at: number, smooth: boolean): void {
    const ch = this.channel(stemId);
    if (ch.panValue === pan) return;
    ch.panValue = pan;
    if (smooth) ch.pan.pan.setTargetAtTime(pan, at, 0.004);
    else {
      ch.pan.pan.cancelScheduledValues(0);
      ch.pan.pan.value = pan;
      ch.pan.pan.setValueAtTime(pan, at);
    }
  }

  /** Switches a stem on or off (mute/solo) with a short ramp from `at`; `immediate` sets it outright. */
  setAudible(stemId: string, audible: boolean, at: number, immediate = false): void {
    const ch = this.channel(stemId);
    if (immediate) {
      ch.audible = audible;
      ch.muteTl.reset(audible ? 1 : 0, at);
      return;
    }
    if (ch.audible === audible) return;
    ch.audible = audible;
    rampAudible(ch.muteTl, audible, at);
  }

  /** Schedules a stem's level curve for playback that plays song position `fromS` at `atTime`. */
  scheduleLevel(stemId: string, curve: GainCurve, fromS: number, atTime: number): void {
    scheduleCurve(this.channel(stemId).levelTl, curve, fromS, atTime);
  }

  /** Moves a playing stem onto a new level curve with a short glide from `atTime`. */
  glideLevel(stemId: string, curve: GainCurve, atTime: number, songAt: (t: number) => number): void {
    glideToCurve(this.channel(stemId).levelTl, curve, atTime, songAt);
  }

  /**
   * Starts a stem's buffer so that song position `offsetS` plays at context time `when`. Every stem
   * started with the same (when, offset) pair is sample-aligned.
   */
  startStem(stemId: string, buffer: AudioBuffer, when: number, offsetS: number): void {
    const ch = this.channel(stemId);
    stopSource(ch.source, when);
    ch.source = null;
    if (offsetS >= buffer.duration) return;
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(ch.level);
    src.start(when, Math.max(0, offsetS));
    ch.source = src;
  }

  startBounce(buffer: AudioBuffer | null, when: number, offsetS: number): void {
    stopSource(this.bounceSource, when);
    this.bounceSource = null;
    if (!buffer || offsetS >= buffer.duration) return;
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.bounceMatch);
    src.start(when, Math.max(0, offsetS));
    this.bounceSource = src;
  }

  /** Stops every source at `when`. */
  stopAll(when: number): void {
    for (const ch of this.channels.values()) {
      stopSource(ch.source, when);
      ch.source = null;
    }
    stopSource(this.bounceSource, when);
    this.bounceSource = null;
  }

  /** Crossfades (linearly: stems and bounce are the same music, so amplitudes add) to stems or bounce. */
  hearBounce(bounce: boolean, at: number, seconds = CROSSFADE_S): void {
    for (const [param, target] of [
      [this.stemsFade.gain, bounce ? 0 : 1],
      [this.bounceFade.gain, bounce ? 1 : 0],
    ] as const) {
      holdParam(param, at);
      param.linearRampToValueAtTime(target, at + seconds);
    }
  }

  /** Loudness-match gains (linear), glided from `at`. */
  setMatch(stems: number, bounce: number, at: number, seconds = 0.01): void {
    for (const [param, target] of [
      [this.stemsMatch.gain, stems],
      [this.bounceMatch.gain, bounce],
    ] as const) {
      holdParam(param, at);
      param.linearRampToValueAtTime(target, at + seconds);
    }
  }

  /** Switches the playback-system simulation with a short crossfade between the old and new chain. */
  setSystem(id: PlaybackSystemId, at: number, seconds = CROSSFADE_S): void {
    if (id === this.system.id) return;
    const old = this.system;
    const next = buildSystemChain(this.ctx, id);
    const target = next.output.gain.value; // its make-up gain
    next.output.gain.value = 0;
    next.output.gain.setValueAtTime(0, at);
    next.output.gain.linearRampToValueAtTime(target, at + seconds);
    holdParam(old.output.gain, at);
    old.output.gain.linearRampToValueAtTime(0, at + seconds);
    this.master.connect(next.input);
    next.output.connect(this.destination);
    this.system = next;
    setTimeout(
      () => {
        try {
          this.master.disconnect(old.input);
        } catch {
          // already disconnected
        }
        old.disconnect();
      },
      (seconds + 0.1) * 1000,
    );
  }

  /** Disconnects everything. */
  dispose(): void {
    this.stopAll(0);
    for (const ch of this.channels.values()) {
      ch.level.disconnect();
      ch.mute.disconnect();
      ch.pan.disconnect();
    }
    this.channels.clear();
    this.system.disconnect();
    for (const n of [this.stemBus, this.stemsMatch, this.stemsFade, this.bounceMatch, this.bounceFade])
      n.disconnect();
    this.transport.disconnect();
    this.master.disconnect();
  }
}

function stopSource(src: AudioBufferSourceNode | null, when: number): void {
  if (!src) return;
  try {
    src.stop(when);
  } catch {
    // never started or already stopped
  }
  src.onended = () => src.disconnect();
}

/** Freezes a param at its value at `at` (portable cancelAndHoldAtTime). */
function holdParam(param: AudioParam, at: number): void {
  if (typeof param.cancelAndHoldAtTime === 'function') param.cancelAndHoldAtTime(at);
  else {
    const v = param.value;
    param.cancelScheduledValues(at);
    param.setValueAtTime(v, at);
  }
}
