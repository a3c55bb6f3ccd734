import { clock, clockPadded } from '../notes/time-format.js';

/** A note thread prepared for export: ids resolved to names, times in seconds. */
export interface ExportThread {
  id: string;
  revisionNumber: number;
  atS: number;
  endS: number | null;
  authorName: string;
  /** Section label / stem name from the mix document (the id when it no longer exists). */
  section: string | null;
  stem: string | null;
  direction: 'up' | 'down' | null;
  amountDb: number | null;
  resolved: boolean;
  resolvedInRevisionNumber: number | null;
  body: string;
  replies: { authorName: string; body: string; createdAt: string }[];
}

/** RFC 4180 cell: quoted when it holds a quote, comma, CR or LF; quotes doubled. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A text cell a spreadsheet will not run as a formula (CSV injection): text starting with = + - @ tab
 * or CR gets a leading apostrophe, which spreadsheets hide.
 */
export function safeTextCell(value: string): string {
  return csvCell(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

const csv = (rows: string[][]) => `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;

/** "Rhythm gtr up 3 dB in Chorus" (empty when the note is not structured). */
export function structuredLabel(
  t: Pick<ExportThread, 'section' | 'stem' | 'direction' | 'amountDb'>,
): string {
  const move = t.direction ? `${t.direction}${t.amountDb !== null ? ` ${t.amountDb} dB` : ''}` : '';
  const parts = [t.stem, move].filter(Boolean).join(' ');
  return [parts, t.section ? `in ${t.section}` : ''].filter(Boolean).join(' ');
}

const oneLine = (s: string) => s.replace(/\s*[\r\n\t]+\s*/g, ' / ').trim();

/** Number without float noise: at most 3 decimals. */
const num = (v: number) => String(Math.round(v * 1000) / 1000);

export const NOTES_CSV_HEADER = [
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
] as const;

/**
 * Notes as RFC 4180 CSV (CRLF, header row), one row per thread. Times as `mm:ss.mmm`; `replies` holds
 * one "Author: text" line per reply. Text cells are protected against formula injection (see
 * {@link safeTextCell}).
 */
export function notesCsv(threads: readonly ExportThread[]): string {
  return csv([
    [...NOTES_CSV_HEADER],
    ...threads.map((t) => [
      t.id,
      String(t.revisionNumber),
      clockPadded(t.atS),
      t.endS === null ? '' : clockPadded(t.endS),
      safeTextCell(t.authorName),
      safeTextCell(t.section ?? ''),
      safeTextCell(t.stem ?? ''),
      t.direction ?? '',
      t.amountDb === null ? '' : num(t.amountDb),
      t.resolved ? 'resolved' : 'open',
      t.resolvedInRevisionNumber === null ? '' : String(t.resolvedInRevisionNumber),
      safeTextCell(t.body),
      safeTextCell(t.replies.map((r) => `${r.authorName}: ${r.body}`).join('\n')),
    ]),
  ]);
}

/** Reaper's Minutes:Seconds time: `m:ss.mmm`, or `h:mm:ss.mmm` from one hour on. */
export function reaperTime(seconds: number): string {
  const c = clock(seconds);
  const minutes = Number(c.slice(0, c.indexOf(':')));
  if (minutes < 60) return c;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}${c.slice(c.indexOf(':'))}`;
}

/** Marker/region name: "[v2] Ada: Rhythm gtr up 3 dB in Chorus — body" on one line. */
export function markerName(t: ExportThread): string {
  const structured = structuredLabel(t);
  const status = t.resolved ? ' (resolved)' : '';
  return oneLine(
    `[v${t.revisionNumber}] ${t.authorName}${status}: ${structured ? `${structured} — ` : ''}${t.body}`,
  );
}

/**
 * Reaper Region/Marker Manager CSV (import it from the manager's context menu): header
 * `#,Name,Start,End,Length`; notes at a moment become markers `M1`, `M2`... (End and Length empty),
 * range notes regions `R1`, `R2`... Times in Minutes:Seconds (`m:ss.mmm`).
 */
export function reaperCsv(threads: readonly ExportThread[]): string {
  let m = 0;
  let r = 0;
  const rows = [...threads]
    .sort((a, b) => a.atS - b.atS)
    .map((t) =>
      t.endS === null
        ? [`M${++m}`, csvCell(markerName(t)), reaperTime(t.atS), '', '']
        : [
            `R${++r}`,
            csvCell(markerName(t)),
            reaperTime(t.atS),
            reaperTime(t.endS),
            reaperTime(t.endS - t.atS),
          ],
    );
  return csv([['#', 'Name', 'Start', 'End', 'Length'], ...rows]);
}

/**
 * Audacity label track (File > Import > Labels): `start\tend\tlabel` per line, seconds with 6 decimals;
 * a note at a moment has start = end.
 */
export function audacityLabels(threads: readonly ExportThread[]): string {
  return [...threads]
    .sort((a, b) => a.atS - b.atS)
    .map((t) => `${t.atS.toFixed(6)}\t${(t.endS ?? t.atS).toFixed(6)}\t${markerName(t)}\n`)
    .join('');
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const html = (s: string) => escapeHtml(s).replace(/\r?\n/g, '<br>');

/** A printable notes sheet (A4/Letter, print CSS); every user text is escaped. */
export function notesHtml(input: {
  sessionTitle: string;
  artistName: string | null;
  revisionNumber: number;
  generatedAt: Date;
  threads: readonly ExportThread[];
}): string {
  const title = `${input.sessionTitle} — v${input.revisionNumber} notes`;
  const open = input.threads.filter((t) => !t.resolved).length;
  const rows = input.threads
    .map((t) => {
      const when = t.endS === null ? clock(t.atS) : `${clock(t.atS)}–${clock(t.endS)}`;
      const structured = structuredLabel(t);
      const status = t.resolved
        ? `resolved${t.resolvedInRevisionNumber !== null ? ` in v${t.resolvedInRevisionNumber}` : ''}`
        : 'open';
      const replies = t.replies
        .map((r) => `<li><span class="who">${html(r.authorName)}</span> ${html(r.body)}</li>`)
        .join('');
      return `<tr class="${t.resolved ? 'resolved' : 'open'}">
<td class="time">${escapeHtml(when)}${t.revisionNumber !== input.revisionNumber ? `<div class="from">from v${t.revisionNumber}</div>` : ''}</td>
<td><div class="who">${html(t.authorName)}</div>${structured ? `<div class="structured">${html(structured)}</div>` : ''}<div class="body">${html(t.body)}</div>${replies ? `<ul class="replies">${replies}</ul>` : ''}</td>
<td class="status">${escapeHtml(status)}</td>
<td class="check">☐</td>
</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em; color: #111; }
  h1 { font-size: 16pt; margin: 0 0 .2em; }
  .meta { color: #555; margin-bottom: 1em; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; vertical-align: top; padding: .4em .5em; border-bottom: 1px solid #ccc; }
  th { font-size: 9pt; text-transform: uppercase; letter-spacing: .05em; color: #555; }
  .time { white-space: nowrap; font-variant-numeric: tabular-nums; width: 8em; }
  .from { font-size: 8pt; color: #777; }
  .who { font-weight: 600; }
  .structured { font-size: 9pt; color: #333; }
  .body { white-space: normal; overflow-wrap: anywhere; }
  .replies { margin: .3em 0 0; padding-left: 1.2em; font-size: 10pt; }
  .status { width: 7em; font-size: 9pt; }
  .check { width: 2em; font-size: 14pt; text-align: center; }
  tr.resolved { color: #666; }
  @page { margin: 15mm; }
  @media print {
    body { margin: 0; font-size: 10pt; }
    tr { break-inside: avoid; page-break-inside: avoid; }
    thead { display: table-header-group; }
  }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="meta">${input.artistName ? `${escapeHtml(input.artistName)} · ` : ''}${input.threads.length} notes, ${open} open · ${escapeHtml(input.generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC</div>
<table>
<thead><tr><th>Time</th><th>Note</th><th>Status</th><th>Done</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987). */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** A file-name-safe form of a title ("Night Drive!" -> "Night-Drive"). */
export function fileStem(title: string): string {
  const stem = title
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return stem || 'session';
}
