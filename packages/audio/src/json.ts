import type { AnalysisResult } from './analyzer.js';

/** The fields `mixroom analyze` prints and the API stores, in this order. */
export const ANALYSIS_SUMMARY_FIELDS = [
  'durationS',
  'sampleRate',
  'channels',
  'samplePeakDbfs',
  'truePeakDbtp',
  'rmsDbfs',
  'integratedLufs',
  'loudnessRangeLu',
  'momentaryMaxLufs',
  'shortTermMaxLufs',
  'clippedSamples',
  'suggestedClipGainDb',
] as const;

/**
 * JSON-safe analysis: every level that is -Infinity (digital silence) becomes `null`; the waveform is left out
 * (serialise it with `toAudiowaveformJson`).
 */
export interface AnalysisJson {
  durationS: number;
  sampleRate: number;
  channels: number;
  frames: number;
  samplePeakDbfs: number | null;
  truePeakDbtp: number | null;
  rmsDbfs: number | null;
  integratedLufs: number | null;
  loudnessRangeLu: number;
  momentaryMaxLufs: number | null;
  shortTermMaxLufs: number | null;
  clippedSamples: number;
  clipEvents: number;
  suggestedClipGainDb: number;
  channelSamplePeakDbfs: (number | null)[];
  channelTruePeakDbtp: (number | null)[];
  sections: {
    id: string;
    startS: number;
    endS: number;
    integratedLufs: number | null;
    samplePeakDbfs: number | null;
  }[];
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Converts an {@link AnalysisResult} to its JSON form (-Infinity -> null, no waveform).
 *
 * @example
 * ```ts
 * res.json(toAnalysisJson(await analyzeFile(path)));
 * ```
 */
export function toAnalysisJson(r: AnalysisResult): AnalysisJson {
  return {
    durationS: r.durationS,
    sampleRate: r.sampleRate,
    channels: r.channels,
    frames: r.frames,
    samplePeakDbfs: orNull(r.samplePeakDbfs),
    truePeakDbtp: orNull(r.truePeakDbtp),
    rmsDbfs: orNull(r.rmsDbfs),
    integratedLufs: orNull(r.integratedLufs),
    loudnessRangeLu: r.loudnessRangeLu,
    momentaryMaxLufs: orNull(r.momentaryMaxLufs),
    shortTermMaxLufs: orNull(r.shortTermMaxLufs),
    clippedSamples: r.clippedSamples,
    clipEvents: r.clipEvents,
    suggestedClipGainDb: r.suggestedClipGainDb,
    channelSamplePeakDbfs: r.channelSamplePeakDbfs.map(orNull),
    channelTruePeakDbtp: r.channelTruePeakDbtp.map(orNull),
    sections: r.sections.map((s) => ({
      ...s,
      integratedLufs: orNull(s.integratedLufs),
      samplePeakDbfs: orNull(s.samplePeakDbfs),
    })),
  };
}
