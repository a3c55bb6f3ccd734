import type { Section } from '@mixroom/mix-model';
import { type PointerEvent, useEffect, useRef, useState } from 'react';
import { request } from '../api/client';
import { waveformUrl } from '../api/endpoints';
import { mixFile, type Note, type ReviewRevision as Revision } from '../api/types';
import { colorFor, formatTime, spokenTime } from '../lib/format';
import { uniquePeers } from '../session/PresenceBar';
import { useSession, usePeers, usePlayerState, usePlayhead } from '../session/context';
import { peerPlayhead } from '../sync/mixdoc';
import { drawPeaks, type Peaks, peaksFromAudiowaveform, peaksFromBuffer } from './peaks';

export interface Range {
  atS: number;
  endS: number | null;
}

interface TimelineProps {
  revision: Revision;
  duration: number;
  sections: readonly Section[];
  /** Top-level notes to pin. */
  notes: readonly Note[];
  selection: Range | null;
  onSelect(range: Range): void;
  onPin(note: Note): void;
  activeNoteId: string | null;
}

const round = (t: number) => Math.round(t * 10) / 10;

const waveformCache = new Map<string, Promise<Peaks | null>>();

function loadWaveform(fileId: string): Promise<Peaks | null> {
  let p = waveformCache.get(fileId);
  if (!p) {
    p = request<unknown>('GET', waveformUrl(fileId))
      .then((json) => peaksFromAudiowaveform(json))
      .catch(() => null);
    // A missing waveform may be ready later (analysis still running): do not cache failures.
    p.then((v) => {
      if (!v) waveformCache.delete(fileId);
    });
    waveformCache.set(fileId, p);
  }
  return p;
}

function useWaveform(revision: Revision): Peaks | null {
  const { player } = useSession();
  const state = usePlayerState();
  const [peaks, setPeaks] = useState<Peaks | null>(null);
  const fileId = revision.mixFileId;
  const analysed = mixFile(revision)?.analysis.status;
  // biome-ignore lint/correctness/useExhaustiveDependencies: retry when the analysis status moves (the waveform appears on completion)
  useEffect(() => {
    setPeaks(null);
    if (!fileId) return;
    let live = true;
    void loadWaveform(fileId).then((p) => live && p && setPeaks(p));
    return () => {
      live = false;
    };
  }, [fileId, analysed]);
  const ready = state.tracks[revision.id]?.status === 'ready';
  useEffect(() => {
    if (peaks || !ready) return;
    const buffer = player.buffer(revision.id);
    if (buffer) setPeaks(peaksFromBuffer(buffer));
  }, [peaks, ready, player, revision.id]);
  return peaks;
}

export function Timeline(props: TimelineProps) {
  const { revision, duration, sections, notes, selection, onSelect, onPin, activeNoteId } = props;
  const { player } = useSession();
  const peaks = useWaveform(revision);
  const base = useRef<HTMLCanvasElement>(null);
  const played = useRef<HTMLCanvasElement>(null);
  const area = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number; moved: boolean } | null>(null);
  const [hover, setHover] = useState<number | null>(null);

  useEffect(() => {
    const draw = () => {
      if (!peaks) return;
      const styles = getComputedStyle(document.documentElement);
      if (base.current)
        drawPeaks(base.current, peaks, duration, styles.getPropertyValue('--wave').trim() || '#4a5563');
      if (played.current) {
        drawPeaks(
          played.current,
          peaks,
          duration,
          styles.getPropertyValue('--wave-played').trim() || '#7cc4a8',
        );
      }
    };
    draw();
    const observer = new ResizeObserver(draw);
    if (area.current) observer.observe(area.current);
    return () => observer.disconnect();
  }, [peaks, duration]);

  const timeAt = (clientX: number) => {
    const rect = area.current?.getBoundingClientRect();
    if (!rect || rect.width === 0 || duration <= 0) return 0;
    return round(Math.max(0, Math.min(1, (clientX - rect.left) / rect.width)) * duration);
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const t = timeAt(e.clientX);
    setDrag({ from: t, to: t, moved: false });
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const t = timeAt(e.clientX);
    setHover(t);
    if (!drag) return;
    const rect = area.current?.getBoundingClientRect();
    const px = rect && duration > 0 ? (Math.abs(t - drag.from) / duration) * rect.width : 0;
    setDrag({ ...drag, to: t, moved: drag.moved || px > 4 });
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag) return;
    const t = timeAt(e.clientX);
    if (drag.moved && Math.abs(t - drag.from) >= 0.1) {
      onSelect({ atS: Math.min(drag.from, t), endS: Math.max(drag.from, t) });
    } else {
      player.seek(t);
    }
    setDrag(null);
  };

  const pct = (t: number) => `${duration > 0 ? Math.max(0, Math.min(100, (t / duration) * 100)) : 0}%`;
  const shownRange = drag?.moved
    ? { atS: Math.min(drag.from, drag.to), endS: Math.max(drag.from, drag.to) }
    : selection?.endS != null
      ? selection
      : null;

  return (
    <div className="timeline">
      <ul className="section-band" aria-label="Song sections">
        {sections.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className={`section-chip kind-${s.kind}`}
              style={{ left: pct(s.startS), width: `calc(${pct(s.endS)} - ${pct(s.startS)})` }}
              onClick={() => player.seek(s.startS)}
              aria-label={`${s.label}, ${formatTime(s.startS)} to ${formatTime(s.endS)}`}
              title={s.intent ? `${s.label}: ${s.intent}` : s.label}
            >
              <span>{s.label}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="wave-wrap">
        {/* The waveform is a slider for assistive tech; keyboard seeking is the room's global shortcuts. */}
        <div
          ref={area}
          className={`wave-area${drag?.moved ? ' dragging' : ''}`}
          role="slider"
          tabIndex={0}
          aria-label="Timeline"
          aria-valuemin={0}
          aria-valuemax={Math.round(duration)}
          aria-valuenow={0}
          aria-describedby="timeline-help"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => setHover(null)}
          onPointerCancel={() => setDrag(null)}
        >
          {sections.map((s) => (
            <div
              key={s.id}
              className={`section-shade kind-${s.kind}`}
              style={{ left: pct(s.startS), width: `calc(${pct(s.endS)} - ${pct(s.startS)})` }}
              aria-hidden="true"
            />
          ))}
          <canvas ref={base} className="wave-canvas" />
          <PlayedOverlay canvasRef={played} sliderRef={area} duration={duration} />
          {!peaks && <div className="wave-placeholder muted small">Drawing waveform…</div>}
          {shownRange && (
            <div
              className="wave-selection"
              style={{
                left: pct(shownRange.atS),
                width: `calc(${pct(shownRange.endS ?? 0)} - ${pct(shownRange.atS)})`,
              }}
              aria-hidden="true"
            >
              <span>
                {formatTime(shownRange.atS, true)}–{formatTime(shownRange.endS ?? 0, true)}
              </span>
            </div>
          )}
          {hover !== null && !drag && (
            <div className="wave-hover" style={{ left: pct(hover) }} aria-hidden="true">
              <span>{formatTime(hover, true)}</span>
            </div>
          )}
          <PeerPlayheads revisionId={revision.id} duration={duration} />
        </div>
        <ul className="pin-lane" aria-label="Note pins">
          {notes.map((n) => (
            <li key={n.id}>
              <button
                type="button"
                className={`pin${n.resolved ? ' pin-resolved' : ''}${n.id === activeNoteId ? ' pin-active' : ''}${n.endS != null ? ' pin-range' : ''}`}
                style={{
                  left: pct(n.atS),
                  width: n.endS != null ? `max(14px, calc(${pct(n.endS)} - ${pct(n.atS)}))` : undefined,
                  ['--pin-color' as string]: colorFor(n.authorId ?? n.authorName),
                }}
                onClick={() => onPin(n)}
                aria-label={`Note by ${n.authorName} at ${formatTime(n.atS)}${n.endS != null ? `–${formatTime(n.endS)}` : ''}${n.resolved ? ' (resolved)' : ''}: ${n.body.slice(0, 80)}`}
                title={`${n.authorName}: ${n.body.slice(0, 120)}`}
              />
            </li>
          ))}
        </ul>
      </div>
      <p id="timeline-help" className="visually-hidden">
        Click to move the playhead; drag across the waveform to leave a note on a range.
      </p>
    </div>
  );
}

function PlayedOverlay({
  canvasRef,
  sliderRef,
  duration,
}: {
  canvasRef: React.RefObject<HTMLCanvasElement | null>;
  sliderRef: React.RefObject<HTMLDivElement | null>;
  duration: number;
}) {
  const t = usePlayhead();
  const pct = duration > 0 ? Math.min(100, (t / duration) * 100) : 0;
  const second = Math.floor(t);
  useEffect(() => {
    // Whole seconds only: screen readers should not chatter every frame.
    sliderRef.current?.setAttribute('aria-valuenow', String(second));
    sliderRef.current?.setAttribute('aria-valuetext', `${spokenTime(second)} of ${spokenTime(duration)}`);
  }, [second, duration, sliderRef]);
  return (
    <>
      <div className="wave-played" style={{ clipPath: `inset(0 ${100 - pct}% 0 0)` }} aria-hidden="true">
        <canvas ref={canvasRef} className="wave-canvas" />
      </div>
      <div className="playhead" style={{ left: `${pct}%` }} aria-hidden="true" />
    </>
  );
}

function PeerPlayheads({ revisionId, duration }: { revisionId: string; duration: number }) {
  const peers = uniquePeers(usePeers()).filter((p) => !p.revisionId || p.revisionId === revisionId);
  const [, tick] = useState(0);
  const anyPlaying = peers.some((p) => p.playing);
  useEffect(() => {
    if (!anyPlaying) return;
    let frame = requestAnimationFrame(function loop() {
      tick((n) => n + 1);
      frame = requestAnimationFrame(loop);
    });
    return () => cancelAnimationFrame(frame);
  }, [anyPlaying]);
  return (
    <>
      {peers.map((p) => {
        const t = Math.min(duration, peerPlayhead(p));
        return (
          <div
            key={p.clientId}
            className="peer-playhead"
            style={{
              left: `${duration > 0 ? (t / duration) * 100 : 0}%`,
              ['--peer' as string]: colorFor(p.user.id),
            }}
            aria-hidden="true"
          >
            <span>{p.user.name}</span>
          </div>
        );
      })}
    </>
  );
}
