import { useEffect } from 'react';
import { formatTime } from '../lib/format';
import { useSession, usePlayerState, usePlayhead } from '../session/context';
import { Button } from '../ui/ui';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Widgets that use arrow keys themselves (radio groups, tabs, menus). */
function ownsArrows(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement && !!target.closest('[role="radiogroup"],[role="tablist"],[role="menu"]')
  );
}

/**
 * Review shortcuts: Space play/pause, ←/→ 5 s (Shift: 1 s), J/L 10 s back/forward, K play/pause,
 * Home to the start, B switches A/B, N starts a note at the playhead.
 */
export function useTransportShortcuts(options: { onNewNote(): void }) {
  const { player } = useSession();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey || isTyping(e.target)) return;
      const t = player.position();
      const target = e.target as HTMLElement | null;
      switch (e.key) {
        case ' ':
          // A focused button is activated by Space natively; do not also toggle.
          if (target?.closest('button,a,[role="radio"],[role="tab"],summary')) return;
          player.toggle();
          break;
        case 'k':
        case 'K':
          player.toggle();
          break;
        case 'j':
        case 'J':
          player.seek(t - 10);
          break;
        case 'l':
        case 'L':
          player.seek(t + 10);
          break;
        case 'ArrowLeft':
          if (ownsArrows(e.target)) return;
          player.seek(t - (e.shiftKey ? 1 : 5));
          break;
        case 'ArrowRight':
          if (ownsArrows(e.target)) return;
          player.seek(t + (e.shiftKey ? 1 : 5));
          break;
        case 'Home':
          if (ownsArrows(e.target)) return;
          player.seek(0);
          break;
        case 'b':
        case 'B':
          player.toggleAB();
          break;
        case 'n':
        case 'N':
          options.onNewNote();
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [player, options]);
}

export function Transport() {
  const { player } = useSession();
  const state = usePlayerState();
  const t = usePlayhead();
  const active = state.active ? state.tracks[state.active] : undefined;
  const loading = !active || active.status === 'loading';
  return (
    <fieldset className="transport" aria-label="Transport">
      <Button variant="ghost" size="sm" aria-label="Go to start" onClick={() => player.seek(0)}>
        <Icon d="M6 5v14M19 5 9 12l10 7z" />
      </Button>
      <Button
        variant="ghost"
        size="sm"
        aria-label="Back 10 seconds"
        onClick={() => player.seek(player.position() - 10)}
      >
        <Icon d="M11 6 5 12l6 6M19 6l-6 6 6 6" />
      </Button>
      <Button
        variant="primary"
        className="play-button"
        aria-label={state.playing ? 'Pause' : 'Play'}
        disabled={loading && !state.playing}
        onClick={() => player.toggle()}
      >
        {state.playing ? <Icon d="M8 5v14M16 5v14" /> : <Icon d="M7 4.5v15l13-7.5z" fill />}
      </Button>
      <Button
        variant="ghost"
        size="sm"
        aria-label="Forward 10 seconds"
        onClick={() => player.seek(player.position() + 10)}
      >
        <Icon d="m13 6 6 6-6 6M5 6l6 6-6 6" />
      </Button>
      <div className="clock">
        <span className="clock-now" role="timer" aria-label="Playhead position">
          {formatTime(t, true)}
        </span>
        <span className="clock-sep" aria-hidden="true">
          /
        </span>
        <span className="clock-total">
          <span className="visually-hidden">Duration </span>
          {formatTime(Math.round(state.duration))}
        </span>
      </div>
      {active?.status === 'loading' && <span className="muted small">Loading audio…</span>}
      {active?.status === 'failed' && (
        <span className="error-text small" role="alert">
          {active.error ?? 'The audio could not be loaded.'}
        </span>
      )}
      <details className="shortcuts">
        <summary>Keyboard shortcuts</summary>
        <dl>
          <dt>Space / K</dt>
          <dd>Play or pause</dd>
          <dt>← →</dt>
          <dd>Back / forward 5 s (Shift: 1 s)</dd>
          <dt>J / L</dt>
          <dd>Back / forward 10 s</dd>
          <dt>Home</dt>
          <dd>Go to the start</dd>
          <dt>B</dt>
          <dd>Switch A/B</dd>
          <dt>N</dt>
          <dd>New note at the playhead</dd>
        </dl>
      </details>
    </fieldset>
  );
}

export function Icon({ d, fill }: { d: string; fill?: boolean }) {
  return (
    <svg
      width="18"
      height="18"
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill={fill ? 'currentColor' : 'none'}
      stroke="currentColor"
      strokeWidth={fill ? 0 : 2}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={d} />
    </svg>
  );
}
