/** A min/max overview normalised to -1..1, one pair per bucket, merged across channels. */
export interface Peaks {
  min: Float32Array;
  max: Float32Array;
  /** Seconds covered. */
  duration: number;
}

/** Reads audiowaveform JSON (version 2: `data` = per pixel, per channel, a min/max pair). */
export function peaksFromAudiowaveform(json: unknown): Peaks | null {
  const j = json as {
    channels?: number;
    sample_rate?: number;
    samples_per_pixel?: number;
    length?: number;
    bits?: number;
    data?: number[];
  };
  if (!j || !Array.isArray(j.data) || !j.sample_rate || !j.samples_per_pixel) return null;
  const channels = j.channels ?? 1;
  const length = j.length ?? Math.floor(j.data.length / (2 * channels));
  const scale = j.bits === 8 ? 127 : 32767;
  const min = new Float32Array(length);
  const max = new Float32Array(length);
  for (let px = 0; px < length; px++) {
    let lo = 1;
    let hi = -1;
    for (let c = 0; c < channels; c++) {
      const i = (px * channels + c) * 2;
      lo = Math.min(lo, (j.data[i] ?? 0) / scale);
      hi = Math.max(hi, (j.data[i + 1] ?? 0) / scale);
    }
    min[px] = lo;
    max[px] = hi;
  }
  return { min, max, duration: (length * j.samples_per_pixel) / j.sample_rate };
}

/** Overview of decoded audio, for files whose server-side waveform is not ready. */
export function peaksFromBuffer(buffer: AudioBuffer, buckets = 3000): Peaks {
  const n = Math.min(buckets, buffer.length);
  const min = new Float32Array(n).fill(1);
  const max = new Float32Array(n).fill(-1);
  const per = buffer.length / n;
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const data = buffer.getChannelData(c);
    for (let b = 0; b < n; b++) {
      const start = Math.floor(b * per);
      const end = Math.min(buffer.length, Math.floor((b + 1) * per));
      let lo = min[b]!;
      let hi = max[b]!;
      for (let i = start; i < end; i++) {
        const v = data[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      min[b] = lo;
      max[b] = hi;
    }
  }
  return { min, max, duration: buffer.duration };
}

/** Draws the overview into a canvas sized to its CSS box (device-pixel sharp). */
export function drawPeaks(
  canvas: HTMLCanvasElement,
  peaks: Peaks,
  totalDuration: number,
  color: string,
): void {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const height = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = color;
  const mid = height / 2;
  const n = peaks.min.length;
  const covered = totalDuration > 0 ? Math.min(1, peaks.duration / totalDuration) : 1;
  const columns = Math.max(1, Math.floor(width * covered));
  const bar = Math.max(1, Math.round(dpr));
  for (let x = 0; x < columns; x += bar) {
    const from = Math.floor((x / columns) * n);
    const to = Math.max(from + 1, Math.floor(((x + bar) / columns) * n));
    let lo = 1;
    let hi = -1;
    for (let i = from; i < to && i < n; i++) {
      lo = Math.min(lo, peaks.min[i]!);
      hi = Math.max(hi, peaks.max[i]!);
    }
    if (hi < lo) continue;
    const top = mid - hi * mid * 0.95;
    const bottom = mid - lo * mid * 0.95;
    ctx.fillRect(x, top, bar, Math.max(bar, bottom - top));
  }
}
