import { type AnalysisResult, type AnalyzeOptions, AudioAnalyzer } from './analyzer.js';
import { openAudio } from './decode.js';
import type { AudioInfo } from './types.js';

/**
 * Decodes and analyses a file in one streaming pass (constant memory for WAV/AIFF/FLAC/MP3; a 4 GB WAV is
 * fine). `onProgress` receives fractions in [0, 1], at most about once per percent, always ending with 1.
 * Throws `AudioDecodeError` for unreadable, unsupported or truncated files; never returns a partial result.
 *
 * @example
 * ```ts
 * const r = await analyzeFile('mix.wav', { sections: [{ id: 'chorus', startS: 42, endS: 58.5 }] }, (f) =>
 *   console.log(`${Math.round(f * 100)}%`),
 * );
 * console.log(r.integratedLufs, r.truePeakDbtp, r.sections[0]?.integratedLufs);
 * ```
 */
export async function analyzeFile(
  path: string,
  options: AnalyzeOptions = {},
  onProgress?: (fraction: number) => void,
): Promise<AnalysisResult> {
  const reader = await openAudio(path);
  try {
    const { info } = reader;
    const analyzer = new AudioAnalyzer({
      ...options,
      sampleRate: info.sampleRate,
      channels: info.channels,
      channelMask: info.channelMask,
      clipThreshold: clipThresholdFor(info),
    });
    let done = 0;
    let lastPercent = -1;
    for await (const chunk of reader.chunks({ reuseBuffers: true })) {
      analyzer.push(chunk);
      done += chunk[0]?.length ?? 0;
      if (onProgress && info.frames > 0) {
        // MP3 lengths can be estimates: never report completion before the stream has ended.
        const percent = Math.min(99, Math.floor((done / info.frames) * 100));
        if (percent > lastPercent) {
          lastPercent = percent;
          onProgress(percent / 100);
        }
      }
    }
    const result = analyzer.finish();
    onProgress?.(1);
    return result;
  } finally {
    await reader.close();
  }
}

/**
 * Full scale of the source: for integers the largest positive code, (2^(bits-1) - 1) / 2^(bits-1), since
 * +1.0 itself cannot be stored; for float and MP3 sources 1.0.
 */
function clipThresholdFor(info: AudioInfo): number {
  if ((info.encoding === 'pcm_int' || info.encoding === 'flac') && info.bitsPerSample) {
    return 1 - 2 ** (1 - info.bitsPerSample);
  }
  return 1;
}
