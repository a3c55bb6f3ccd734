import { describe, expect, it } from 'vitest';
import { automationTable, automationTableCsv, sectionLevels } from './levels.js';
import { relabelSection, setClipGain, setFader, setMute, setSectionOffset } from './ops.js';
import { readMix } from './read.js';
import { demoDoc } from './test-support/fixtures.js';

function song() {
  const doc = demoDoc();
  setClipGain(doc, 'gtr', -6);
  setFader(doc, 'gtr', -4);
  setSectionOffset(doc, 'engineer', 'verse', 'gtr', -8);
  setSectionOffset(doc, 'engineer', 'chorus', 'gtr', 4);
  setMute(doc, 'bass', true);
  return doc;
}

describe('sectionLevels', () => {
  it('[MM-5] gives each stem its static level per section: clip + offset + fader, in dB', () => {
    const arc = sectionLevels(readMix(song()));
    expect(arc.sceneId).toBe('engineer');
    expect(arc.sections.map((s) => s.id)).toEqual(['intro', 'verse', 'chorus']);
    const gtr = arc.stems.find((s) => s.stemId === 'gtr')!;
    expect(gtr.levels).toEqual([
      { sectionId: 'intro', offsetDb: 0, levelDb: -10 },
      { sectionId: 'verse', offsetDb: -8, levelDb: -18 },
      { sectionId: 'chorus', offsetDb: 4, levelDb: -6 },
    ]);
  });

  it('[MM-6] a stem that is not audible has -Infinity levels', () => {
    const bass = sectionLevels(readMix(song())).stems.find((s) => s.stemId === 'bass')!;
    expect(bass.audible).toBe(false);
    expect(bass.levels.every((l) => l.levelDb === Number.NEGATIVE_INFINITY)).toBe(true);
  });
});

describe('automationTable', () => {
  it('has one row per section x stem in song and mixer order', () => {
    const rows = automationTable(readMix(song()), 'engineer');
    expect(rows).toHaveLength(9);
    expect(rows.map((r) => `${r.sectionId}/${r.stemId}`).slice(0, 4)).toEqual([
      'intro/vox',
      'intro/gtr',
      'intro/bass',
      'verse/vox',
    ]);
    expect(rows.find((r) => r.sectionId === 'chorus' && r.stemId === 'gtr')).toEqual({
      sectionId: 'chorus',
      sectionLabel: 'Chorus 1',
      sectionKind: 'chorus',
      startS: 60,
      endS: 90,
      stemId: 'gtr',
      stemName: 'Rhythm gtr',
      clipGainDb: -6,
      faderDb: -4,
      offsetDb: 4,
      levelDb: -6,
      audible: true,
    });
  });

  it('exports CSV with quoting, -inf for silence, and no spreadsheet formulas', () => {
    const doc = song();
    relabelSection(doc, 'intro', '=HYPERLINK("x"), "quoted"');
    const csv = automationTableCsv(automationTable(readMix(doc)));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('section,kind,start_s,end_s,stem,clip_gain_db,fader_db,offset_db,level_db,audible');
    expect(lines[1]).toBe(`"'=HYPERLINK(""x""), ""quoted""",intro,0,20,Vox,0,0,0,0,yes`);
    expect(lines[3]).toBe(`"'=HYPERLINK(""x""), ""quoted""",intro,0,20,Bass,0,0,0,-inf,no`);
    expect(lines[5]).toBe('Verse 1,verse,20,60,Rhythm gtr,-6,-4,-8,-18,yes');
    expect(lines.at(-1)).toBe('');
  });
});
