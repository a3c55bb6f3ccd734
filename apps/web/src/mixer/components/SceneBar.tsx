import { DEFAULT_SCENE_ID, deleteScene, duplicateScene, renameScene } from '@mixroom/mix-model';
import { useEffect, useId, useState } from 'react';
import { formatDb } from '../../lib/format';
import { Button, Segmented } from '../../ui/ui';
import { useMixer } from '../context';
import type { Compare } from '../engine/engine';

/** Scene choice (the engineer's scene and proposals), scene editing, and A/B with loudness matching. */
export function SceneBar() {
  const { engine, mix, state, canEdit, userName, t, report, doc } = useMixer();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState('');
  const sceneId = state.sceneId;
  const scene = mix.scenes.find((s) => s.id === sceneId) ?? null;
  const labelOf = (id: string) => {
    const s = mix.scenes.find((x) => x.id === id);
    if (!s) return 'Scene';
    return s.id === DEFAULT_SCENE_ID
      ? `${s.name} (engineer's scene)`
      : `${s.name}${s.createdBy ? ` — proposal by ${s.createdBy}` : ' — proposal'}`;
  };
  const selectId = useId();

  const act = (fn: () => void) => {
    try {
      fn();
      report('');
    } catch (e) {
      report(e instanceof Error ? e.message : 'That change was not possible.');
    }
  };

  const duplicate = () =>
    act(() => {
      if (!sceneId) return;
      const id = duplicateScene(doc, sceneId, {
        name: `${scene?.name ?? 'Scene'} copy`.slice(0, 200),
        createdBy: userName,
      });
      engine.setScene(id);
    });

  const compareValue = state.compare
    ? state.compare.kind === 'scene'
      ? `scene:${state.compare.sceneId}`
      : `bounce:${state.compare.fileId}`
    : '';
  const { revisions } = useMixer();
  const bounces = revisions
    .filter((r) => r.mixFileId)
    .slice()
    .reverse();
  const setCompare = (v: string) => {
    let c: Compare = null;
    if (v.startsWith('scene:')) c = { kind: 'scene', sceneId: v.slice(6) };
    else if (v.startsWith('bounce:')) {
      const fileId = v.slice(7);
      const rev = bounces.find((r) => r.mixFileId === fileId);
      c = { kind: 'bounce', fileId, label: rev ? `v${rev.number} bounce` : 'Bounce' };
    }
    engine.setCompare(c);
  };

  // A compared scene that was deleted ends the comparison.
  useEffect(() => {
    if (
      state.compare?.kind === 'scene' &&
      !mix.scenes.some((s) => s.id === (state.compare as { sceneId: string }).sceneId)
    ) {
      engine.setCompare(null);
    }
  }, [mix.scenes, state.compare, engine]);

  const bLabel = state.compare
    ? state.compare.kind === 'scene'
      ? t(mix.scenes.find((s) => s.id === (state.compare as { sceneId: string }).sceneId)?.name ?? 'Scene')
      : t(state.compare.label)
    : 'B';
  const m = state.loudnessMatch;

  return (
    <section className="mixer-scenes" aria-label="Scenes and A/B">
      <div className="mixer-scene-pick">
        <label htmlFor={selectId}>Scene</label>
        {renaming ? (
          <form
            className="mixer-inline"
            onSubmit={(e) => {
              e.preventDefault();
              act(() => sceneId && renameScene(doc, sceneId, name.trim() || (scene?.name ?? 'Scene')));
              setRenaming(false);
            }}
          >
            <input
              aria-label="Scene name"
              value={name}
              maxLength={200}
              // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to rename
              autoFocus
              onChange={(e) => setName(e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Escape' && setRenaming(false)}
            />
            <Button size="sm" type="submit" variant="primary">
              Save
            </Button>
            <Button size="sm" onClick={() => setRenaming(false)}>
              Cancel
            </Button>
          </form>
        ) : (
          <select
            id={selectId}
            value={sceneId ?? ''}
            onChange={(e) => engine.setScene(e.currentTarget.value)}
          >
            {mix.scenes.map((s) => (
              <option key={s.id} value={s.id}>
                {t(labelOf(s.id))}
              </option>
            ))}
          </select>
        )}
        {canEdit && !renaming && (
          <>
            <Button size="sm" onClick={duplicate} disabled={!sceneId}>
              Duplicate
            </Button>
            <Button
              size="sm"
              onClick={() => {
                setName(scene?.name ?? '');
                setRenaming(true);
              }}
              disabled={!scene}
            >
              Rename
            </Button>
            <Button
              size="sm"
              variant="ghost"
              disabled={!scene || mix.scenes.length <= 1}
              onClick={() => {
                if (!scene || !window.confirm(`Delete the scene “${t(scene.name)}” for everyone?`)) return;
                act(() => {
                  deleteScene(doc, scene.id);
                  engine.setScene(null);
                });
              }}
            >
              Delete
            </Button>
          </>
        )}
      </div>
      <div className="mixer-ab">
        <label className="mixer-inline">
          <span>Compare with</span>
          <select
            aria-label="Compare with"
            value={compareValue}
            onChange={(e) => setCompare(e.currentTarget.value)}
          >
            <option value="">Nothing</option>
            <optgroup label="Scenes">
              {mix.scenes
                .filter((s) => s.id !== sceneId)
                .map((s) => (
                  <option key={s.id} value={`scene:${s.id}`}>
                    {t(labelOf(s.id))}
                  </option>
                ))}
            </optgroup>
            {bounces.length > 0 && (
              <optgroup label="Engineer's bounce">
                {bounces.map((r) => (
                  <option key={r.id} value={`bounce:${r.mixFileId}`}>
                    {t(`v${r.number} bounce`)}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        {state.compare && (
          <>
            <Segmented
              size="sm"
              label="Hear A or B"
              value={state.heard}
              onChange={(v) => engine.hear(v)}
              options={[
                { value: 'a', label: `A · ${t(scene?.name ?? 'Scene')}` },
                { value: 'b', label: `B · ${bLabel}` },
              ]}
            />
            <label className="mixer-inline mixer-toggle">
              <input
                type="checkbox"
                checked={m !== null}
                onChange={(e) => engine.setLoudnessMatch(e.currentTarget.checked)}
              />
              <span>Loudness-match</span>
            </label>
            {m && <MatchInfo />}
            {state.bounce?.status === 'loading' && <span className="muted small">Loading the bounce…</span>}
            {state.bounce?.status === 'failed' && <span className="field-error">{state.bounce.error}</span>}
          </>
        )}
      </div>
    </section>
  );
}

function MatchInfo() {
  const { state, blind } = useMixer();
  const m = state.loudnessMatch;
  if (!m) return null;
  if (m.pending) return <span className="muted small">Measuring loudness…</span>;
  if (blind) return <span className="muted small">Matched by ear-level loudness</span>;
  const fmt = (x: number | null) => (x === null ? 'unknown' : `${x.toFixed(1)} LUFS`);
  return (
    <span
      className="muted small"
      title="Scenes: estimated from the stems' K-weighted power (stems assumed uncorrelated). Bounce: measured (BS.1770-4). The louder side is turned down."
    >
      A {fmt(m.aLufs)} ({formatDb(m.aDb)} dB) · B {fmt(m.bLufs)}{' '}
      {m.bMethod === 'estimated' ? 'est.' : 'measured'} ({formatDb(m.bDb)} dB)
    </span>
  );
}
