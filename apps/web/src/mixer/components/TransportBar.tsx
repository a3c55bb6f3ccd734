import { useEffect, useState } from 'react';
import { formatTime } from '../../lib/format';
import { Button } from '../../ui/ui';
import { useMixer, usePosition } from '../context';
import { PLAYBACK_SYSTEM_IDS, PLAYBACK_SYSTEMS, type PlaybackSystemId } from '../engine/playback-systems';

/** Play/pause, position, playback-system simulation, blindfold and follow status. */
export function TransportBar() {
  const { engine, state, blind, setBlind, setSystem, t } = useMixer();
  const position = usePosition();
  const duration = state.duration;
  const loading = Object.values(state.stems).filter((s) => s.status === 'loading').length;
  const failed = Object.values(state.stems).filter((s) => s.status === 'failed').length;

  // Space toggles play while focus is not in a field (the review tab uses the same key for its player).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (
        e.key !== ' ' ||
        e.repeat ||
        el?.closest('input, textarea, select, button, [contenteditable="true"], [role="slider"]')
      ) {
        return;
      }
      e.preventDefault();
      engine.toggle();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [engine]);

  return (
    <div className="mixer-transport" role="toolbar" aria-label="Mixer transport">
      <Button
        variant="primary"
        onClick={() => engine.toggle()}
        aria-label={state.playing ? 'Pause stems' : 'Play stems'}
        aria-keyshortcuts="Space"
      >
        {state.playing ? '❚❚ Pause' : '▶ Play'}
      </Button>
      {!blind && (
        <span className="mixer-time" aria-live="off">
          {formatTime(position, true)} / {formatTime(duration)}
        </span>
      )}
      <input
        type="range"
        className="mixer-seek"
        aria-label="Song position"
        aria-valuetext={
          blind ? 'position hidden in blindfold mode' : `${formatTime(position)} of ${formatTime(duration)}`
        }
        min={0}
        max={Math.max(duration, 0.01)}
        step={0.1}
        value={Math.min(position, duration)}
        onChange={(e) => engine.seek(Number(e.currentTarget.value))}
      />
      <label className="mixer-inline">
        <span>Listen on</span>
        <select
          value={state.system}
          onChange={(e) => setSystem(e.currentTarget.value as PlaybackSystemId)}
          aria-label="Playback system simulation"
        >
          {PLAYBACK_SYSTEM_IDS.map((id) => (
            <option key={id} value={id}>
              {PLAYBACK_SYSTEMS[id].label}
            </option>
          ))}
        </select>
      </label>
      <label className="mixer-inline mixer-toggle">
        <input type="checkbox" checked={blind} onChange={(e) => setBlind(e.currentTarget.checked)} />
        <span>Blindfold</span>
      </label>
      <FollowStatus />
      <span className="mixer-load-status muted small" role="status">
        {loading > 0 ? t(`Loading ${loading} stem${loading === 1 ? '' : 's'}…`) : ''}
        {failed > 0 ? t(` ${failed} stem${failed === 1 ? '' : 's'} could not be loaded.`) : ''}
      </span>
    </div>
  );
}

/** Who else listens on the mixer: their scene and playback system, and a way to follow them. */
export function RoomListeners() {
  const { together, mix, t, engine } = useMixer();
  const [, force] = useState(0);
  useEffect(() => together?.subscribe(() => force((n) => n + 1)), [together]);
  if (!together) return null;
  const people = together.roomListeners();
  if (people.length === 0) return null;
  const following = together.followUserId;
  return (
    <ul className="mixer-listeners" aria-label="Listening on the mixer">
      {people.map((p) => {
        const scene = mix.scenes.find((s) => s.id === p.sceneId)?.name ?? 'a scene';
        const system =
          p.playbackSystem && p.playbackSystem in PLAYBACK_SYSTEMS
            ? PLAYBACK_SYSTEMS[p.playbackSystem as PlaybackSystemId].label
            : 'Studio monitors';
        const isLeader = following === p.userId;
        return (
          <li key={p.userId}>
            <span>
              {t(p.name)} {p.playing ? 'is playing' : 'is on'} “{t(scene)}” · {system}
            </span>
            <Button
              size="sm"
              variant={isLeader ? 'primary' : 'ghost'}
              aria-pressed={isLeader}
              onClick={() => {
                void engine.ctx.resume().catch(() => undefined);
                together.follow(isLeader ? null : p.userId);
              }}
            >
              {isLeader ? t(`Following ${p.name}`) : t(`Follow ${p.name}`)}
            </Button>
          </li>
        );
      })}
    </ul>
  );
}

function FollowStatus() {
  const { together, t } = useMixer();
  const [, force] = useState(0);
  useEffect(() => together?.subscribe(() => force((n) => n + 1)), [together]);
  if (!together) return null;
  const leader = together.leader();
  const following = together.followUserId;
  if (!following) return null;
  return (
    <span className="mixer-follow" role="status">
      {leader ? t(`Following ${leader.name}`) : 'Waiting for the person you follow to open the mixer'}
      <Button size="sm" variant="ghost" onClick={() => together.follow(null)}>
        Stop following
      </Button>
    </span>
  );
}
