import { analysisOf, mixFile, type ReviewRevision as Revision } from '../api/types';
import { formatDb, formatWhen } from '../lib/format';
import { setQuery } from '../lib/router';
import { useSession, usePlayerState } from '../session/context';
import { Badge, Button, Segmented, SelectField } from '../ui/ui';

export const statusText: Record<Revision['status'], string> = {
  in_review: 'In review',
  changes_requested: 'Changes requested',
  approved: 'Approved',
};
export const statusTone: Record<Revision['status'], string> = {
  in_review: 'neutral',
  changes_requested: 'warn',
  approved: 'ok',
};

/** Revision switcher with status badges and changelog, and the A/B controls. */
export function RevisionBar({
  revisions,
  current,
  compare,
}: {
  revisions: Revision[];
  current: Revision;
  compare: Revision | null;
}) {
  const { player } = useSession();
  const state = usePlayerState();
  const others = revisions.filter((r) => r.id !== current.id);
  const lufsA = analysisOf(mixFile(current))?.integratedLufs;
  const lufsB = compare ? analysisOf(mixFile(compare))?.integratedLufs : null;
  const canMatch = lufsA != null && lufsB != null;

  return (
    <div className="revision-bar">
      <nav className="revision-switcher" aria-label="Revisions">
        <ul>
          {revisions.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                className={`revision-pill status-${r.status}`}
                aria-current={r.id === current.id ? 'true' : undefined}
                onClick={() => {
                  setQuery('rev', r.id);
                  if (compare?.id === r.id) setQuery('compare', current.id);
                }}
                aria-label={`v${r.number}, ${statusText[r.status]}`}
              >
                <span className="revision-number">v{r.number}</span>
                {r.status === 'approved' && <LockIcon />}
                {r.status === 'changes_requested' && <span className="dot dot-warn" aria-hidden="true" />}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="revision-info">
        <div className="row">
          <strong>v{current.number}</strong>
          <Badge tone={statusTone[current.status]}>
            {current.status === 'approved' ? 'Approved · locked' : statusText[current.status]}
          </Badge>
          <span className="muted small">uploaded {formatWhen(current.createdAt)}</span>
        </div>
        <p className="changelog">{current.changelog || <span className="muted">No changelog.</span>}</p>
        <p className="muted small">
          {current.files.length === 1 ? 'Mix bounce' : `Mix bounce and ${current.files.length - 1} stems`}
          {current.analysis.status !== 'completed' && current.analysis.status !== 'failed'
            ? ` · analysing ${Math.round(current.analysis.progress * 100)}%`
            : ''}
        </p>
      </div>
      <fieldset className="ab-controls" aria-label="Compare revisions">
        <SelectField
          label="Compare with"
          value={compare?.id ?? ''}
          disabled={others.length === 0}
          onChange={(e) => setQuery('compare', e.target.value || null)}
        >
          <option value="">{others.length === 0 ? 'No other revision' : 'Nothing'}</option>
          {others.map((r) => (
            <option key={r.id} value={r.id}>
              v{r.number}
            </option>
          ))}
        </SelectField>
        {compare && (
          <>
            <Segmented
              label="Listening to"
              value={state.active === compare.id ? compare.id : current.id}
              onChange={(key) => player.switchTo(key)}
              options={[
                { value: current.id, label: `A · v${current.number}` },
                { value: compare.id, label: `B · v${compare.number}` },
              ]}
            />
            <label className="check">
              <input
                type="checkbox"
                checked={state.loudnessMatch}
                disabled={!canMatch}
                onChange={(e) => player.setLoudnessMatch(e.target.checked)}
              />
              Match loudness
            </label>
            <span className="muted small ab-note" aria-live="polite">
              {!canMatch
                ? 'Loudness matching needs both analyses.'
                : state.loudnessMatch
                  ? matchText(current, compare, state.tracks)
                  : `v${current.number} ${formatDb(lufsA)} LUFS · v${compare.number} ${formatDb(lufsB)} LUFS`}
            </span>
            <Button size="sm" variant="ghost" onClick={() => player.toggleAB()} aria-keyshortcuts="B">
              Switch A/B
            </Button>
          </>
        )}
      </fieldset>
    </div>
  );
}

function matchText(a: Revision, b: Revision, tracks: Record<string, { matchDb: number }>): string {
  const parts = [a, b]
    .filter((r) => Math.abs(tracks[r.id]?.matchDb ?? 0) >= 0.05)
    .map((r) => `v${r.number} ${formatDb(tracks[r.id]?.matchDb ?? 0)} dB`);
  return parts.length ? `Matched: ${parts.join(', ')}` : 'Already at equal loudness';
}

export function LockIcon({ size = 12 }: { size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="2.5"
    >
      <rect x="5" y="11" width="14" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </svg>
  );
}
