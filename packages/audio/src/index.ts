export { analyzeFile } from './analyze-file.js';
export {
  type AnalysisResult,
  type AnalyzeOptions,
  type AnalyzerConfig,
  AudioAnalyzer,
  type MeterReading,
  type SectionLoudness,
  type SectionSpec,
  suggestClipGain,
} from './analyzer.js';
export { channelWeights } from './channel-weights.js';
export { type DecodedAudio, decodeAudio, type OpenAudioOptions, openAudio, probeAudio } from './decode.js';
export { AudioDecodeError, type AudioDecodeErrorCode } from './errors.js';
export { gatedMeanPower, loudnessRange, powerToLufs } from './gating.js';
export { ANALYSIS_SUMMARY_FIELDS, type AnalysisJson, toAnalysisJson } from './json.js';
export { type Biquad, kWeightingFilters } from './k-weighting.js';
export type { AudioReader, ChunkOptions } from './reader.js';
export { TRUE_PEAK_PHASES, TruePeakDetector } from './true-peak.js';
export type { AudioFormat, AudioInfo } from './types.js';
export {
  type AudiowaveformJson,
  DEFAULT_WAVEFORM_LEVELS,
  toAudiowaveformDat,
  toAudiowaveformJson,
  WaveformBuilder,
  type WaveformLevel,
  type WaveformOverview,
} from './waveform.js';
