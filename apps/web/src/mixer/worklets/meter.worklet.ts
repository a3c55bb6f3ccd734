/**
 * Meter AudioWorkletProcessor `mixroom-meter`: one per stem (peak + RMS) and one on the master (plus
 * momentary/short-term loudness and true peak; `processorOptions.loudness = true`). Passes nothing on:
 * it has one silent output only so the graph keeps pulling it. Posts a `MeterReading` about every
 * `processorOptions.reportMs` (default 50 ms) with the context time of the end of the block it covers;
 * `{type: 'reset-hold'}` on its port clears the true-peak hold; `{type: 'arm-onset', threshold}` makes it
 * post `{type: 'onset', time}` once, with the context time of the first sample whose magnitude exceeds
 * `threshold` (linear) — a sample-accurate "first sound" probe for start-up measurements.
 *
 * Bundled on its own by Vite (`?worker&url`), so it may import the shared DSP module.
 */
import { MeterCore } from './meter-dsp';

// Globals of the AudioWorkletGlobalScope (not in the DOM lib).
declare const sampleRate: number;
declare const currentTime: number;
declare function registerProcessor(name: string, ctor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: unknown);
}

interface MeterOptions {
  processorOptions?: { loudness?: boolean; reportMs?: number; channels?: number };
}

class MeterProcessor extends AudioWorkletProcessor {
  private readonly core: MeterCore;
  private readonly reportFrames: number;
  private sinceReport = 0;
  private onsetThreshold: number | null = null;

  constructor(options: MeterOptions) {
    super(options);
    const o = options.processorOptions ?? {};
    this.core = new MeterCore({ sampleRate, channels: o.channels ?? 2, loudness: o.loudness === true });
    this.reportFrames = Math.round(((o.reportMs ?? 50) / 1000) * sampleRate);
    this.port.onmessage = (e: MessageEvent) => {
      const msg = e.data as { type?: string; threshold?: number };
      if (msg?.type === 'reset-hold') this.core.resetHold();
      else if (msg?.type === 'arm-onset') this.onsetThreshold = msg.threshold ?? 1e-4;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const input = inputs[0];
    const n = input?.[0]?.length ?? 128;
    if (input && input.length > 0) {
      if (this.onsetThreshold !== null) this.findOnset(input);
      this.core.process(input);
    } else this.core.process([new Float32Array(n)]);
    this.sinceReport += n;
    if (this.sinceReport >= this.reportFrames) {
      this.sinceReport = 0;
      this.port.postMessage({ time: currentTime + n / sampleRate, ...this.core.read() });
    }
    return true;
  }

  private findOnset(input: Float32Array[]): void {
    const threshold = this.onsetThreshold!;
    let first = -1;
    for (const ch of input) {
      for (let i = 0; i < ch.length && (first < 0 || i < first); i++) {
        if (ch[i]! > threshold || ch[i]! < -threshold) {
          first = i;
          break;
        }
      }
    }
    if (first < 0) return;
    this.onsetThreshold = null;
    this.port.postMessage({ type: 'onset', time: currentTime + first / sampleRate });
  }
}

registerProcessor('mixroom-meter', MeterProcessor);
