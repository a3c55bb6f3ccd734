/** `m:ss` (or `m:ss.s` with tenths), for times in seconds. */
export function formatTime(seconds: number, tenths = false): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  const whole = tenths ? Math.floor(s * 10) / 10 : Math.floor(s);
  const m = Math.floor(whole / 60);
  const rest = whole - m * 60;
  const secs = tenths ? rest.toFixed(1).padStart(4, '0') : String(Math.floor(rest)).padStart(2, '0');
  return `${m}:${secs}`;
}

/** Spoken form for screen readers: "42 seconds", "1 minute 5 seconds". */
export function spokenTime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const m = Math.floor(s / 60);
  const r = s % 60;
  const sec = `${r} second${r === 1 ? '' : 's'}`;
  return m > 0 ? `${m} minute${m === 1 ? '' : 's'} ${sec}` : sec;
}

/** Parses `42`, `0:42`, `1:02.5`, `1:02:03` into seconds; null when it is not a time. */
export function parseTime(input: string): number | null {
  const text = input.trim();
  if (!/^\d+(:\d{1,2}){0,2}(\.\d+)?$/.test(text)) return null;
  const parts = text.split(':').map(Number);
  let total = 0;
  for (const part of parts) total = total * 60 + part;
  return Number.isFinite(total) ? total : null;
}

export function formatDb(db: number | null | undefined, digits = 1): string {
  if (db === null || db === undefined || !Number.isFinite(db)) return '−∞';
  const v = db.toFixed(digits);
  return db > 0 ? `+${v}` : v.replace('-', '−');
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "3 minutes ago", falling back to a date for older times. */
export function formatWhen(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const diff = (t - now) / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relative.format(Math.round(diff / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(diff / 3600), 'hour');
  if (abs < 7 * 86_400) return relative.format(Math.round(diff / 86_400), 'day');
  return new Date(t).toLocaleDateString();
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function initials(name: string): string {
  const parts = String(name ?? '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const second = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + second).toUpperCase();
}

const PALETTE = ['#7cc4a8', '#8ab4ff', '#e0b35a', '#d98ad0', '#f08c6c', '#9bd46a', '#6fd0e0', '#c6a2ff'];

/** A stable colour per user id. */
export function colorFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(h) % PALETTE.length]!;
}
