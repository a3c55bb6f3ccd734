/**
 * A minimal RIFF/WAVE writer for the scene export: interleaved integer PCM, 16 or 24 bit, with TPDF
 * dither off (a render of stems is usually re-imported into a DAW, where dither would only add noise).
 * Samples are clipped to [-1, 1) rather than wrapped.
 */
export function encodeWav(
  channels: readonly Float32Array[],
  sampleRate: number,
  bitDepth: 16 | 24 = 24,
): ArrayBuffer {
  const numChannels = channels.length;
  const frames = channels[0]?.length ?? 0;
  const bytesPerSample = bitDepth / 8;
  const blockAlign = numChannels * bytesPerSample;
  const dataBytes = frames * blockAlign;
  const buffer = new ArrayBuffer(44 + dataBytes);
  const view = new DataView(buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) view.setUint8(at + i, s.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // PCM fmt chunk size
  view.setUint16(20, 1, true); // WAVE_FORMAT_PCM
  view.setUint16(22, numChannels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bitDepth, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  const bytes = new Uint8Array(buffer);
  const max = 2 ** (bitDepth - 1);
  let at = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < numChannels; c++) {
      const x = channels[c]![i]!;
      let v = Math.round(x * max);
      if (v >= max) v = max - 1;
      else if (v < -max) v = -max;
      if (bitDepth === 16) {
        view.setInt16(at, v, true);
        at += 2;
      } else {
        bytes[at] = v & 0xff;
        bytes[at + 1] = (v >> 8) & 0xff;
        bytes[at + 2] = (v >> 16) & 0xff;
        at += 3;
      }
    }
  }
  return buffer;
}
