import { ApiError, MixroomClient } from '@mixroom/client';
import { noteRoutes as n } from '@mixroom/contract';
import { addSection, addStem, readMix, setClipGain, setFader, setSectionOffset } from '@mixroom/mix-model';
import { MixDocuments } from '@mixroom/server/testing';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverRevision } from './notes-support.js';
import { createSessionCast, type SessionCast, startTestServer, type TestServer } from './support/server.js';

let t: TestServer;
let c: SessionCast;
let rev: { id: string };
let sectionId = '';
let stemId = '';
let sceneId = '';
const bodies = {
  commas: 'Vocal, guitars, and bass: all "too" loud',
  lines: 'First line\nsecond line\r\nthird, with "quotes"',
  unicode: 'Ünïcødé — 日本語 🎸 ok',
  formula: '=HYPERLINK("http://example.com","x")',
  html: '<img src=x onerror=alert(1)> & <b>bold</b>',
};
const ids = { commas: '', lines: '', unicode: '', formula: '', html: '' };

const get = (client: MixroomClient, path: string) => client.raw('get', path);
const exportPath = (route: { path: string }, params: Record<string, string>, query = '') =>
  MixroomClient.path(route, params) + query;

beforeAll(async () => {
  t = await startTestServer();
  c = await createSessionCast(t.url, 'Night Drive: "Final"');
  rev = await deliverRevision(c.engineer, c.sessionId, { durationS: 74 });
  const docs = t.server.app.get(MixDocuments, { strict: false });
  await docs.change(c.sessionId, (doc) => {
    sectionId = addSection(doc, { label: 'Chorus 1', kind: 'chorus', startS: 10, endS: 30 });
    addSection(doc, { label: 'Verse, "big"', kind: 'verse', startS: 0, endS: 10 });
    stemId = addStem(doc, { fileId: 'file-1', name: 'Rhythm gtr' });
    addStem(doc, { fileId: 'file-2', name: 'Vox' });
  });
  sceneId = await docs.read(c.sessionId, (doc) => readMix(doc).scenes[0]!.id);
  await docs.change(c.sessionId, (doc) => {
    setSectionOffset(doc, sceneId, sectionId, stemId, -3.5);
    setFader(doc, stemId, -6);
    setClipGain(doc, stemId, -2);
  });

  const post = (client: MixroomClient, body: Record<string, unknown>) =>
    client.call(n.createNote, { params: { id: rev.id }, body: body as never }).then((r) => r.note);
  ids.commas = (await post(c.artist, { atS: 65.25, body: bodies.commas })).id;
  ids.lines = (await post(c.engineer, { atS: 12.5, endS: 20.125, body: bodies.lines })).id;
  ids.unicode = (
    await post(c.viewer, {
      atS: 1.0005,
      body: bodies.unicode,
      sectionId,
      stemId,
      direction: 'up',
      amountDb: 3,
    })
  ).id;
  ids.formula = (await post(c.artist, { atS: 40, body: bodies.formula })).id;
  ids.html = (await post(c.artist, { atS: 50, endS: 73.5, body: bodies.html })).id;
  await post(c.engineer, { parentId: ids.commas, body: 'Done, -2 dB' });
  await post(c.viewer, { parentId: ids.commas, body: 'Thanks\nagain' });
  await c.engineer.call(n.updateNote, { params: { id: ids.formula }, body: { resolved: true } });
});
afterAll(async () => {
  await t?.close();
});

describe('notes exports', () => {
  it('CSV (RFC 4180) parses back field by field', async () => {
    const res = await get(c.viewer, exportPath(n.exportNotesCsv, { id: rev.id }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Night-Drive-Final-v1-notes.csv"; filename*=UTF-8''Night-Drive-Final-v1-notes.csv`,
    );
    const text = res.body as string;
    expect(text.endsWith('\r\n')).toBe(true);
    const rows: Record<string, string>[] = parse(text, { columns: true, record_delimiter: '\r\n' });
    expect(Object.keys(rows[0]!)).toEqual([
      'id',
      'revision',
      'time',
      'end',
      'author',
      'section',
      'stem',
      'direction',
      'amount_db',
      'status',
      'resolved_in',
      'body',
      'replies',
    ]);
    expect(rows.map((r) => r.id)).toEqual([ids.unicode, ids.lines, ids.formula, ids.html, ids.commas]);
    const by: Record<string, Record<string, string>> = Object.fromEntries(rows.map((r) => [r.id!, r]));
    expect(by[ids.unicode]).toEqual({
      id: ids.unicode,
      revision: '1',
      time: '00:01.001',
      end: '',
      author: 'viewer',
      section: 'Chorus 1',
      stem: 'Rhythm gtr',
      direction: 'up',
      amount_db: '3',
      status: 'open',
      resolved_in: '',
      body: bodies.unicode,
      replies: '',
    });
    expect(by[ids.lines]).toMatchObject({
      time: '00:12.500',
      end: '00:20.125',
      author: 'Engineer',
      body: bodies.lines,
    });
    expect(by[ids.commas]).toMatchObject({
      time: '01:05.250',
      body: bodies.commas,
      replies: 'Engineer: Done, -2 dB\nviewer: Thanks\nagain',
    });
    // Text a spreadsheet would run as a formula is neutralised with a leading apostrophe.
    expect(by[ids.formula]).toMatchObject({
      body: `'${bodies.formula}`,
      status: 'resolved',
      resolved_in: '1',
    });
    expect(by[ids.html]!.body).toBe(bodies.html);

    const open: Record<string, string>[] = parse(
      (await get(c.viewer, exportPath(n.exportNotesCsv, { id: rev.id }, '?status=open'))).body as string,
      { columns: true },
    );
    expect(open.map((r) => r.id)).not.toContain(ids.formula);
    expect(open).toHaveLength(4);
  });

  it("Reaper's Region/Marker Manager CSV: markers M1.., regions R1.., minutes:seconds", async () => {
    const res = await get(c.engineer, exportPath(n.exportNotesReaper, { id: rev.id }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toContain(
      'filename="Night-Drive-Final-v1-notes.reaper.csv"',
    );
    const rows: string[][] = parse(res.body as string, { relax_column_count: false });
    expect(rows[0]).toEqual(['#', 'Name', 'Start', 'End', 'Length']);
    expect(rows.slice(1).map((r) => [r[0], r[2], r[3], r[4]])).toEqual([
      ['M1', '0:01.001', '', ''],
      ['R1', '0:12.500', '0:20.125', '0:07.625'],
      ['M2', '0:40.000', '', ''],
      ['R2', '0:50.000', '1:13.500', '0:23.500'],
      ['M3', '1:05.250', '', ''],
    ]);
    const names = rows.slice(1).map((r) => r[1]);
    expect(names[0]).toBe(`[v1] viewer: Rhythm gtr up 3 dB in Chorus 1 — ${bodies.unicode}`);
    expect(names[1]).toBe('[v1] Engineer: First line / second line / third, with "quotes"');
    expect(names[2]).toBe(`[v1] artist (resolved): ${bodies.formula}`);
    expect(names[4]).toBe(`[v1] artist: ${bodies.commas}`);
    for (const name of names) expect(name).not.toMatch(/[\r\n]/);
  });

  it('Audacity labels: start, end and label separated by tabs, seconds with 6 decimals', async () => {
    const res = await get(c.artist, exportPath(n.exportNotesAudacity, { id: rev.id }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain(
      'filename="Night-Drive-Final-v1-notes.audacity.txt"',
    );
    const rows: string[][] = parse(res.body as string, {
      delimiter: '\t',
      quote: false,
      record_delimiter: '\n',
    });
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['1.000500', '1.000500'],
      ['12.500000', '20.125000'],
      ['40.000000', '40.000000'],
      ['50.000000', '73.500000'],
      ['65.250000', '65.250000'],
    ]);
    expect(rows.every((r) => r.length === 3)).toBe(true);
    expect(rows[4]![2]).toBe(`[v1] artist: ${bodies.commas}`);
  });

  it('a printable notes sheet with every user text escaped', async () => {
    const res = await get(c.viewer, exportPath(n.exportNotesHtml, { id: rev.id }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('filename="Night-Drive-Final-v1-notes.html"');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = res.body as string;
    expect(html).toContain('@media print');
    expect(html).toContain('<title>Night Drive: &quot;Final&quot; — v1 notes</title>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>bold');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('First line<br>second line<br>third, with &quot;quotes&quot;');
    expect(html).toContain('0:50.000–1:13.500');
    expect(html).toContain('resolved in v1');
  });

  it('the automation table of a scene: sections x stems in dB', async () => {
    const res = await get(c.viewer, exportPath(n.exportAutomationCsv, { id: c.sessionId, sceneId }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="Night-Drive-Final-.*-automation\.csv"/,
    );
    const rows: Record<string, string>[] = parse(res.body as string, { columns: true });
    expect(rows.map((r) => [r.section, r.stem])).toEqual([
      ['Verse, "big"', 'Rhythm gtr'],
      ['Verse, "big"', 'Vox'],
      ['Chorus 1', 'Rhythm gtr'],
      ['Chorus 1', 'Vox'],
    ]);
    const chorusGtr = rows[2]!;
    expect(chorusGtr).toMatchObject({
      kind: 'chorus',
      start_s: '10',
      end_s: '30',
      clip_gain_db: '-2',
      fader_db: '-6',
      offset_db: '-3.5',
      level_db: '-11.5',
    });
    expect(Number(chorusGtr.level_db)).toBeCloseTo(
      Number(chorusGtr.clip_gain_db) + Number(chorusGtr.fader_db) + Number(chorusGtr.offset_db),
      6,
    );
    expect(rows[0]!.offset_db).toBe('0');

    const unknown = await get(
      c.viewer,
      exportPath(n.exportAutomationCsv, { id: c.sessionId, sceneId: 'no-such-scene' }),
    );
    expect(unknown.status).toBe(404);
  });

  it('members only: strangers 404, anonymous callers 401', async () => {
    for (const route of [n.exportNotesCsv, n.exportNotesReaper, n.exportNotesAudacity, n.exportNotesHtml]) {
      const path = exportPath(route, { id: rev.id });
      expect((await get(c.stranger, path)).status).toBe(404);
      expect((await get(t.anonymous(), path)).status).toBe(401);
      expect((await get(c.viewer, path)).status).toBe(200);
    }
    const automation = exportPath(n.exportAutomationCsv, { id: c.sessionId, sceneId });
    expect((await get(c.stranger, automation)).status).toBe(404);
    expect((await get(t.anonymous(), automation)).status).toBe(401);
    const bad = await c.viewer
      .call(n.exportNotesCsv, { params: { id: rev.id }, query: { status: 'closed' as never } })
      .catch((e: ApiError) => e);
    expect((bad as ApiError).status).toBe(400);
  });
});
