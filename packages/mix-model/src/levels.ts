import { effectiveFaderDb, isAudible, sectionOffsetDb } from './gain.js';
import { findScene } from './read.js';
import { normalizeSections } from './sections.js';
import type { MixState, Section, SectionKind } from './types.js';

/** One stem's static level per section. */
export interface StemSectionLevels {
  readonly stemId: string;
  readonly name: string;
  readonly color: string;
  /** False when mute/solo silence the stem ([MM-6]); its levels are then `-Infinity`. */
  readonly audible: boolean;
  /** Per section, in song order: offset and effective level (clip + offset + fader), in dB. */
  readonly levels: readonly {
    readonly sectionId: string;
    readonly offsetDb: number;
    readonly levelDb: number;
  }[];
}

/** Result of {@link sectionLevels}. */
export interface SectionLevels {
  readonly sceneId: string;
  /** The sections the levels are for (normalised per [MM-10]), in song order. */
  readonly sections: readonly Section[];
  /** Stems in mixer order. */
  readonly stems: readonly StemSectionLevels[];
}

/**
 * Per stem, per section: the effective static level in dB (clip gain + section offset + fader; pan and
 * master excluded) — the data of the "emotional arc" chart. [MM-5]
 *
 * @example
 * const arc = sectionLevels(readMix(doc), sceneId);
 * arc.stems[0].levels.map((l) => l.levelDb); // [-12, -9, -12]
 */
export function sectionLevels(mix: MixState, sceneId?: string): SectionLevels {
  const scene = findScene(mix, sceneId);
  const sections = normalizeSections(mix.sections, mix.meta.durationS).sections;
  return {
    sceneId: scene.id,
    sections,
    stems: mix.stems.map((stem) => {
      const audible = isAudible(mix, stem);
      const base = stem.clipGainDb + effectiveFaderDb(scene, stem);
      return {
        stemId: stem.id,
        name: stem.name,
        color: stem.color,
        audible,
        levels: sections.map((s) => {
          const offsetDb = sectionOffsetDb(scene, s.id, stem.id);
          return { sectionId: s.id, offsetDb, levelDb: audible ? base + offsetDb : Number.NEGATIVE_INFINITY };
        }),
      };
    }),
  };
}

/** One row of a scene's section x stem automation table. Gains in dB, times in seconds. */
export interface AutomationRow {
  readonly sectionId: string;
  readonly sectionLabel: string;
  readonly sectionKind: SectionKind;
  readonly startS: number;
  readonly endS: number;
  readonly stemId: string;
  readonly stemName: string;
  readonly clipGainDb: number;
  /** Effective fader: the scene's override or the stem's own fader. */
  readonly faderDb: number;
  readonly offsetDb: number;
  /** clip + offset + fader, or `-Infinity` when the stem is not audible. */
  readonly levelDb: number;
  readonly audible: boolean;
}

/**
 * A scene as rows section x stem (sections in song order, stems in mixer order), for the DAW export.
 *
 * @example
 * const csv = automationTableCsv(automationTable(readMix(doc), sceneId));
 */
export function automationTable(mix: MixState, sceneId?: string): AutomationRow[] {
  const scene = findScene(mix, sceneId);
  const rows: AutomationRow[] = [];
  for (const section of normalizeSections(mix.sections, mix.meta.durationS).sections) {
    for (const stem of mix.stems) {
      const audible = isAudible(mix, stem);
      const faderDb = effectiveFaderDb(scene, stem);
      const offsetDb = sectionOffsetDb(scene, section.id, stem.id);
      rows.push({
        sectionId: section.id,
        sectionLabel: section.label,
        sectionKind: section.kind,
        startS: section.startS,
        endS: section.endS,
        stemId: stem.id,
        stemName: stem.name,
        clipGainDb: stem.clipGainDb,
        faderDb,
        offsetDb,
        levelDb: audible ? stem.clipGainDb + offsetDb + faderDb : Number.NEGATIVE_INFINITY,
        audible,
      });
    }
  }
  return rows;
}

/**
 * RFC 4180 CSV of an automation table (CRLF line ends). Numbers have at most 3 decimals and
 * `-Infinity` is written `-inf`; text cells that a spreadsheet would run as a formula are prefixed
 * with `'`.
 */
export function automationTableCsv(rows: readonly AutomationRow[]): string {
  const header = [
    'section',
    'kind',
    'start_s',
    'end_s',
    'stem',
    'clip_gain_db',
    'fader_db',
    'offset_db',
    'level_db',
    'audible',
  ];
  const lines = [header.join(',')];
  for (const r of rows) {
    lines.push(
      [
        text(r.sectionLabel),
        r.sectionKind,
        number(r.startS),
        number(r.endS),
        text(r.stemName),
        number(r.clipGainDb),
        number(r.faderDb),
        number(r.offsetDb),
        number(r.levelDb),
        r.audible ? 'yes' : 'no',
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

function number(v: number): string {
  if (v === Number.NEGATIVE_INFINITY) return '-inf';
  const rounded = Math.round(v * 1000) / 1000;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

function text(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
