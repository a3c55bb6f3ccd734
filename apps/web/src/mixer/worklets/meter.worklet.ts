/**
 * Meter AudioWorkletProcessor `mixroom-meter`: one per stem (peak + RMS) and one on the master (plus
 * momentary/short-term loudness and true peak; `processorOptions.loudness = true`). Passes nothing on:
 * it has one silent output only so the graph keeps pulling it. Posts a `MeterReading` about every
 * `processorOptions.reportMs` (default 50 ms) with the context time of the end of the block it covers;
 * `{type: 'reset-hold'}` on its port clears the true-peak hold.
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

  constructor(options: MeterOptions) {
    super(options);
    const o = options.processorOptions ?? {};
    this.core = new MeterCore({ sampleRate, channels: o.channels ?? 2, loudness: o.loudness === true });
    this.reportFrames = Math.round(((o.reportMs ?? 50) / 1000) * sampleRate);
    this.port.onmessage = (e: MessageEvent) => {
      if ((e.data as { type?: string })?.type === 'reset-hold') this.core.resetHold();
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const input = inputs[0];
    const n = input?.[0]?.length ?? 128;
    if (input && input.length > 0) this.core.process(input);
    else this.core.process([new Float32Array(n)]);
    this.sinceReport += n;
    if (this.sinceReport >= this.reportFrames) {
      this.sinceReport = 0;
      this.port.postMessage({ time: currentTime + n / sampleRate, ...this.core.read() });
    }
    return true;
  }
}

registerProcessor('mixroom-meter', MeterProcessor);
