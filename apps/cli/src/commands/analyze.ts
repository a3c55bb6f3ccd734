import { parseArgs } from 'node:util';
import {
  type AnalysisJson,
  ANALYSIS_SUMMARY_FIELDS,
  AudioDecodeError,
  analyzeFile,
  toAnalysisJson,
} from '@mixroom/audio';
import type { CliIo, Command } from './types.js';

type Field = (typeof ANALYSIS_SUMMARY_FIELDS)[number];
/** One element of `mixroom analyze --json`: the file as given, then the summary fields (null = -Infinity). */
export type AnalyzeJsonEntry = { file: string } & Pick<AnalysisJson, Field>;

const UNITS: Record<Field, string> = {
  durationS: 's',
  sampleRate: 'Hz',
  channels: '',
  samplePeakDbfs: 'dBFS',
  truePeakDbtp: 'dBTP',
  rmsDbfs: 'dBFS',
  integratedLufs: 'LUFS',
  loudnessRangeLu: 'LU',
  momentaryMaxLufs: 'LUFS',
  shortTermMaxLufs: 'LUFS',
  clippedSamples: '',
  suggestedClipGainDb: 'dB',
};

const USAGE = `Usage: mixroom analyze FILE... [--json]

Measures each file (WAV, AIFF, FLAC, MP3): duration, sample rate, channels, sample and true peak,
RMS, integrated loudness (BS.1770-4), loudness range (EBU Tech 3342), momentary and short-term
maximum, clipped samples and the clip gain that brings the peak into -18..-6 dBFS.

Options:
  --json      print a JSON array, one object per file (silence levels are null)
  -h, --help  show this help

Exit status: 0 all files measured, 1 a file could not be read (reason on stderr), 2 usage error.`;

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'measure loudness, peaks and gain staging of audio files',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (err) {
      io.stderr.write(`mixroom analyze: ${(err as Error).message}\n${USAGE}\n`);
      return 2;
    }
    if (parsed.values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const files = parsed.positionals;
    if (files.length === 0) {
      io.stderr.write(`mixroom analyze: expected at least one FILE\n${USAGE}\n`);
      return 2;
    }
    const entries: AnalyzeJsonEntry[] = [];
    let failed = false;
    for (const file of files) {
      try {
        const result = await analyzeFile(file, { waveformLevels: false }, progressReporter(io, file));
        const json = toAnalysisJson(result);
        const entry = { file } as AnalyzeJsonEntry;
        for (const f of ANALYSIS_SUMMARY_FIELDS) (entry as Record<string, unknown>)[f] = json[f];
        entries.push(entry);
      } catch (err) {
        failed = true;
        clearProgress(io);
        io.stderr.write(`mixroom analyze: ${file}: ${oneLine(err)}\n`);
      }
    }
    if (parsed.values.json) io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    else if (entries.length > 0) io.stdout.write(formatTable(entries));
    return failed ? 1 : 0;
  },
};

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
}

function oneLine(err: unknown): string {
  const message =
    err instanceof AudioDecodeError
      ? err.message
      : err instanceof Error
        ? `unexpected error: ${err.message}`
        : String(err);
  return message.replace(/\s*\n\s*/g, ' ');
}

/** Progress on a terminal only (`\r`-rewritten line on stderr); nothing when stderr is piped. */
function progressReporter(io: CliIo, file: string): ((fraction: number) => void) | undefined {
  if (!io.stderr.isTTY) return undefined;
  return (fraction) => {
    io.stderr.write(fraction >= 1 ? '\r\x1b[K' : `\ranalyzing ${file} ${Math.round(fraction * 100)}%`);
  };
}

function clearProgress(io: CliIo): void {
  if (io.stderr.isTTY) io.stderr.write('\r\x1b[K');
}

/** Rows = the summary fields (named as in the JSON, with units), one column per file. */
export function formatTable(entries: AnalyzeJsonEntry[]): string {
  const rows: string[][] = [['', ...entries.map((e) => e.file)]];
  for (const f of ANALYSIS_SUMMARY_FIELDS) {
    const label = UNITS[f] ? `${f} (${UNITS[f]})` : f;
    rows.push([label, ...entries.map((e) => formatValue(f, e[f]))]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return `${rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function formatValue(field: Field, v: number | null): string {
  if (v === null) return '-inf';
  switch (field) {
    case 'sampleRate':
    case 'channels':
    case 'clippedSamples':
      return String(v);
    case 'durationS':
      return v.toFixed(3);
    case 'loudnessRangeLu':
      return v.toFixed(1);
    default:
      return v.toFixed(2);
  }
}
