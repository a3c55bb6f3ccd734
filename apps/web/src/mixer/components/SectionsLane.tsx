import {
  addSection,
  normalizeSections,
  removeSection,
  relabelSection,
  resizeSection,
  SECTION_KINDS,
  type Section,
  type SectionKind,
  setSectionIntent,
  setSectionKind,
  setSongInfo,
} from '@mixroom/mix-model';
import { type KeyboardEvent, type PointerEvent, useId, useMemo, useRef, useState } from 'react';
import { formatTime } from '../../lib/format';
import { Button } from '../../ui/ui';
import { useMixer, usePosition } from '../context';
import { keyStep, moveWithin, newSectionSlot, resizeWithin } from '../engine/timeline';

const KIND_LABEL: Record<SectionKind, string> = {
  intro: 'Intro',
  verse: 'Verse',
  chorus: 'Chorus',
  bridge: 'Bridge',
  solo: 'Solo',
  outro: 'Outro',
  other: 'Other',
};

type DragMode = 'move' | 'start' | 'end';
interface Drag {
  id: string;
  mode: DragMode;
  pointerId: number;
  originX: number;
  originStart: number;
  originEnd: number;
  preview: { startS: number; endS: number };
  moved: boolean;
}

/**
 * The sections lane: song sections on the timeline; create, select, rename, set the kind and intent,
 * move and resize with the pointer or the keyboard, snapping to the beat grid when the song has a tempo.
 */
export function SectionsLane() {
  const { mix, state, canEdit, doc, t, blind, engine, report } = useMixer();
  const position = usePosition();
  const sections = useMemo(() => normalizeSections(mix.sections, mix.meta.durationS).sections, [mix]);
  const duration = Math.max(state.duration, mix.meta.durationS, sections.at(-1)?.endS ?? 0, 1);
  const tempo = mix.meta.tempoBpm;
  const [selected, setSelected] = useState<string | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const lane = useRef<HTMLDivElement>(null);
  const hintId = useId();

  const act = (fn: () => void): boolean => {
    try {
      fn();
      report('');
      return true;
    } catch (e) {
      report(e instanceof Error ? e.message : 'That change was not possible.');
      return false;
    }
  };
  const pxToS = (dx: number) => (dx / (lane.current?.getBoundingClientRect().width || 1)) * duration;

  const commit = (id: string, range: { startS: number; endS: number }) =>
    act(() => resizeSection(doc, id, range.startS, range.endS));

  const create = (at: number) => {
    const slot = newSectionSlot(sections, at, mix.meta.durationS, tempo);
    if (!slot) {
      report('There is no free space for a section there.');
      return;
    }
    const count = sections.filter((s) => s.kind === 'verse').length;
    act(() => {
      const id = addSection(doc, { label: `Verse ${count + 1}`, kind: 'verse', ...slot });
      setSelected(id);
    });
  };

  const onKey = (e: KeyboardEvent, s: Section) => {
    const dir = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (dir !== 0 && canEdit) {
      e.preventDefault();
      const step = keyStep(tempo, e.shiftKey) * dir;
      const next = e.altKey
        ? resizeWithin(sections, s.id, 'end', s.endS + step, mix.meta.durationS, tempo)
        : e.ctrlKey || e.metaKey
          ? resizeWithin(sections, s.id, 'start', s.startS + step, mix.meta.durationS, tempo)
          : moveWithin(sections, s.id, s.startS + step, mix.meta.durationS, tempo);
      if (next && (next.startS !== s.startS || next.endS !== s.endS)) commit(s.id, next);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      setSelected(s.id);
      engine.seek(s.startS);
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && canEdit) {
      e.preventDefault();
      if (window.confirm(`Remove the section “${t(s.label)}” and its offsets in every scene?`)) {
        act(() => removeSection(doc, s.id));
      }
    }
  };

  const onPointerDown = (e: PointerEvent<HTMLElement>, s: Section) => {
    if (e.button !== 0) return;
    setSelected(s.id);
    if (!canEdit) return;
    const edge = (e.target as HTMLElement).dataset.edge as DragMode | undefined;
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({
      id: s.id,
      mode: edge ?? 'move',
      pointerId: e.pointerId,
      originX: e.clientX,
      originStart: s.startS,
      originEnd: s.endS,
      preview: { startS: s.startS, endS: s.endS },
      moved: false,
    });
  };
  const onPointerMove = (e: PointerEvent<HTMLElement>) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const dt = pxToS(e.clientX - drag.originX);
    const next =
      drag.mode === 'move'
        ? moveWithin(sections, drag.id, drag.originStart + dt, mix.meta.durationS, tempo)
        : resizeWithin(
            sections,
            drag.id,
            drag.mode,
            (drag.mode === 'start' ? drag.originStart : drag.originEnd) + dt,
            mix.meta.durationS,
            tempo,
          );
    if (next)
      setDrag({ ...drag, preview: next, moved: drag.moved || Math.abs(e.clientX - drag.originX) > 3 });
  };
  const onPointerUp = (e: PointerEvent<HTMLElement>) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const { id, preview, moved, originStart, originEnd } = drag;
    setDrag(null);
    if (moved && (preview.startS !== originStart || preview.endS !== originEnd)) commit(id, preview);
  };

  const laneClick = (e: PointerEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return;
    const rect = e.currentTarget.getBoundingClientRect();
    engine.seek(((e.clientX - rect.left) / rect.width) * duration);
  };
  const laneDouble = (e: React.MouseEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget || !canEdit) return;
    const rect = e.currentTarget.getBoundingClientRect();
    create(((e.clientX - rect.left) / rect.width) * duration);
  };

  const current = sections.find((s) => s.id === selected) ?? null;
  const beats = tempo ? Math.round(tempo * 10) / 10 : null;
  const pct = (s: number) => `${(s / duration) * 100}%`;

  return (
    <section className="mixer-sections" aria-labelledby={`${hintId}-h`}>
      <div className="mixer-row-head">
        <h3 id={`${hintId}-h`}>Sections</h3>
        {canEdit && (
          <Button size="sm" onClick={() => create(position)}>
            Add section at playhead
          </Button>
        )}
        {canEdit && <TempoField />}
        {!blind && beats !== null && <span className="muted small">Snaps to beats at {beats} BPM</span>}
      </div>
      <p id={hintId} className="visually-hidden">
        Enter plays from the section.{' '}
        {canEdit
          ? 'Arrow keys move it, Alt with arrows moves its end, Control with arrows moves its start; add Shift for bigger steps. Delete removes it.'
          : ''}
      </p>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: pointer shortcuts only; the seek slider, the section buttons and "Add section" do the same by keyboard */}
      <div
        className="mixer-lane"
        ref={lane}
        onPointerDown={laneClick}
        onDoubleClick={laneDouble}
        role="presentation"
        title={
          canEdit ? 'Click to move the playhead, double-click to add a section' : 'Click to move the playhead'
        }
      >
        {!blind && <Ruler duration={duration} />}
        {sections.map((s) => {
          const range = drag?.id === s.id ? drag.preview : s;
          const label = `${t(s.label)}, ${KIND_LABEL[s.kind].toLowerCase()}${s.intent ? `, ${t(s.intent)}` : ''}${
            blind ? '' : `, ${formatTime(range.startS, true)} to ${formatTime(range.endS, true)}`
          }`;
          return (
            <button
              type="button"
              key={s.id}
              className={`mixer-lane-section kind-${s.kind}${selected === s.id ? ' selected' : ''}`}
              style={{ left: pct(range.startS), width: pct(range.endS - range.startS) }}
              aria-label={label}
              aria-describedby={hintId}
              aria-pressed={selected === s.id}
              onKeyDown={(e) => onKey(e, s)}
              onPointerDown={(e) => onPointerDown(e, s)}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={() => setDrag(null)}
              onClick={() => setSelected(s.id)}
            >
              {canEdit && <span className="edge edge-start" data-edge="start" aria-hidden="true" />}
              <span className="mixer-lane-label" aria-hidden="true">
                {t(s.label)}
              </span>
              {canEdit && <span className="edge edge-end" data-edge="end" aria-hidden="true" />}
            </button>
          );
        })}
        <div
          className="mixer-playhead"
          style={{ left: pct(Math.min(position, duration)) }}
          aria-hidden="true"
        />
      </div>
      {current && <SectionEditor key={current.id} section={current} onClose={() => setSelected(null)} />}
    </section>
  );
}

function Ruler({ duration }: { duration: number }) {
  const step = duration > 240 ? 30 : duration > 60 ? 15 : duration > 20 ? 5 : 1;
  const ticks: number[] = [];
  for (let s = 0; s <= duration; s += step) ticks.push(s);
  return (
    <div className="mixer-ruler" aria-hidden="true">
      {ticks.map((s) => (
        <span key={s} style={{ left: `${(s / duration) * 100}%` }}>
          {formatTime(s)}
        </span>
      ))}
    </div>
  );
}

function TempoField() {
  const { mix, doc, blind, report } = useMixer();
  const [text, setText] = useState(mix.meta.tempoBpm ? String(mix.meta.tempoBpm) : '');
  if (blind) return null;
  const save = () => {
    const v = text.trim() === '' ? null : Number(text);
    try {
      setSongInfo(doc, { tempoBpm: v === null || Number.isNaN(v) ? null : v });
      report('');
    } catch (e) {
      report(e instanceof Error ? e.message : 'That tempo is not possible.');
    }
  };
  return (
    <label className="mixer-inline small">
      <span>Tempo</span>
      <input
        className="mixer-num"
        type="number"
        min={1}
        max={1000}
        step="any"
        aria-label="Tempo in BPM (empty: no beat grid)"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={save}
        onKeyDown={(e) => e.key === 'Enter' && save()}
      />
    </label>
  );
}

function SectionEditor({ section, onClose }: { section: Section; onClose(): void }) {
  const { canEdit, doc, t, report } = useMixer();
  const [label, setLabel] = useState(section.label);
  const [intent, setIntent] = useState(section.intent);
  const act = (fn: () => void) => {
    try {
      fn();
      report('');
    } catch (e) {
      report(e instanceof Error ? e.message : 'That change was not possible.');
    }
  };
  if (!canEdit) {
    return (
      <p className="mixer-section-info">
        <strong>{t(section.label)}</strong> · {KIND_LABEL[section.kind]}
        {section.intent ? ` · ${t(section.intent)}` : ''}
      </p>
    );
  }
  return (
    <fieldset className="mixer-section-editor">
      <legend>Section “{t(section.label)}”</legend>
      <label>
        <span>Name</span>
        <input
          value={label}
          maxLength={200}
          onChange={(e) => setLabel(e.currentTarget.value)}
          onBlur={() => label.trim() && act(() => relabelSection(doc, section.id, label.trim()))}
          onKeyDown={(e) =>
            e.key === 'Enter' && label.trim() && act(() => relabelSection(doc, section.id, label.trim()))
          }
        />
      </label>
      <label>
        <span>Kind</span>
        <select
          value={section.kind}
          onChange={(e) => act(() => setSectionKind(doc, section.id, e.currentTarget.value as SectionKind))}
        >
          {SECTION_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
      </label>
      <label className="grow">
        <span>Intent</span>
        <input
          value={intent}
          maxLength={2000}
          placeholder="e.g. intimate, urgent"
          onChange={(e) => setIntent(e.currentTarget.value)}
          onBlur={() => act(() => setSectionIntent(doc, section.id, intent))}
          onKeyDown={(e) => e.key === 'Enter' && act(() => setSectionIntent(doc, section.id, intent))}
        />
      </label>
      <Button
        size="sm"
        variant="ghost"
        onClick={() => {
          if (window.confirm(`Remove the section “${t(section.label)}” and its offsets in every scene?`)) {
            act(() => removeSection(doc, section.id));
            onClose();
          }
        }}
      >
        Remove
      </Button>
      <Button size="sm" onClick={onClose}>
        Done
      </Button>
    </fieldset>
  );
}
