/**
 * Meter nodes (the `mixroom-meter` AudioWorklet) and the latest reading of each, kept outside React:
 * meter components read them in their own animation frame, so 20 readings a second per stem never
 * re-render the mixer.
 */
import type { MeterReading } from '../worklets/meter-dsp';

export type { MeterReading };

/** Key of the master meter in the store. */
export const MASTER = '__master';

export interface TimedReading extends MeterReading {
  /** Context time of the end of the measured block. */
  time: number;
  /** performance.now() when it arrived. */
  receivedAt: number;
}

export class MeterStore {
  private readonly readings = new Map<string, TimedReading>();
  /** Highest short-term loudness since the last reset, LUFS. */
  shortTermMax = Number.NEGATIVE_INFINITY;

  get(key: string): TimedReading | undefined {
    return this.readings.get(key);
  }

  set(key: string, r: TimedReading): void {
    this.readings.set(key, r);
    if (key === MASTER && r.shortTerm !== null && r.shortTerm > this.shortTermMax)
      this.shortTermMax = r.shortTerm;
  }

  delete(key: string): void {
    this.readings.delete(key);
  }

  resetHolds(): void {
    this.shortTermMax = Number.NEGATIVE_INFINITY;
  }
}

export class MeterBank {
  private readonly nodes = new Map<string, { node: AudioWorkletNode; source: AudioNode }>();
  private readonly sink: GainNode;
  private readonly onsets = new Map<string, (time: number) => void>();
  ready = false;

  constructor(
    private readonly ctx: AudioContext,
    readonly store: MeterStore,
  ) {
    // Meters output silence into a muted sink so the graph keeps pulling them.
    this.sink = ctx.createGain();
    this.sink.gain.value = 0;
    this.sink.connect(ctx.destination);
  }

  async load(url: string): Promise<boolean> {
    try {
      await this.ctx.audioWorklet.addModule(url);
      this.ready = true;
    } catch {
      this.ready = false;
    }
    return this.ready;
  }

  /** Taps `source` into a meter named `key` (idempotent). */
  attach(key: string, source: AudioNode, loudness = false): void {
    if (!this.ready || this.nodes.has(key)) return;
    const node = new AudioWorkletNode(this.ctx, 'mixroom-meter', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 2,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions: { channels: 2, loudness, reportMs: 50 },
    });
    node.port.onmessage = (
      e: MessageEvent<(MeterReading & { time: number; type?: undefined }) | { type: 'onset'; time: number }>,
    ) => {
      const data = e.data;
      if (data.type === 'onset') {
        this.onsets.get(key)?.(data.time);
        this.onsets.delete(key);
      } else this.store.set(key, { ...data, receivedAt: performance.now() });
    };
    source.connect(node);
    node.connect(this.sink);
    this.nodes.set(key, { node, source });
  }

  detach(key: string): void {
    const entry = this.nodes.get(key);
    if (!entry) return;
    entry.node.port.onmessage = null;
    try {
      entry.source.disconnect(entry.node);
    } catch {
      // the source was already disconnected
    }
    entry.node.disconnect();
    this.nodes.delete(key);
    this.store.delete(key);
  }

  /**
   * Resolves with the context time of the next sample on meter `key` above `threshold` (linear), or
   * null without meters. For measuring the time from pressing play to the first sound.
   */
  nextOnset(key: string, threshold = 1e-4): Promise<number | null> {
    const entry = this.nodes.get(key);
    if (!entry) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.onsets.set(key, resolve);
      entry.node.port.postMessage({ type: 'arm-onset', threshold });
    });
  }

  resetHold(key: string): void {
    this.nodes.get(key)?.node.port.postMessage({ type: 'reset-hold' });
  }

  dispose(): void {
    for (const key of [...this.nodes.keys()]) this.detach(key);
    this.sink.disconnect();
  }
}
