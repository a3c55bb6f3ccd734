import {
  effectiveFaderDb,
  normalizeSections,
  type Section,
  type Stem,
  sectionOffsetDb,
  setClipGain,
  setMute,
  setPan,
  setSceneFader,
  setSectionOffset,
  setSolo,
} from '@mixroom/mix-model';
import { useEffect, useMemo, useState } from 'react';
import { useMixer } from '../context';
import { StemMeter } from './Meters';

/** Fader slider range in dB (mix-model accepts -60..+24; the slider covers the useful part). */
const FADER_MIN = -60;
const FADER_MAX = 12;
/** Offset slider range in dB (blindfold mode). */
const OFFSET_RANGE = 24;

/**
 * The console: one column per stem (name, mute, solo, pan, meter), one row per section with the scene's
 * offset for each stem, then the scene's faders and the stems' clip gains.
 */
export function StemsGrid({ onError }: { onError(message: string): void }) {
  const { mix, state, canEdit, doc, t, blind } = useMixer();
  const sections = useMemo(() => normalizeSections(mix.sections, mix.meta.durationS).sections, [mix]);
  const scene = mix.scenes.find((s) => s.id === state.sceneId) ?? null;
  const act = (fn: () => void) => {
    try {
      fn();
      onError('');
    } catch (e) {
      onError(e instanceof Error ? e.message : 'That change was not possible.');
    }
  };
  if (!scene) return null;

  return (
    <div className="mixer-grid-wrap">
      <table className="mixer-grid" aria-label={t(`Balance of the scene ${scene.name}`)}>
        <thead>
          <tr>
            <th scope="col" className="mixer-corner">
              <span className="visually-hidden">Section</span>
            </th>
            {mix.stems.map((stem) => (
              <th
                scope="col"
                key={stem.id}
                className="mixer-stem-head"
                style={{ '--stem': stem.color } as React.CSSProperties}
              >
                <span className="mixer-stem-name">{t(stem.name)}</span>
                <StemStatus stemId={stem.id} />
              </th>
            ))}
          </tr>
          <tr className="mixer-strip-row">
            <th scope="row">Mute · solo · pan</th>
            {mix.stems.map((stem) => (
              <td key={stem.id}>
                <div className="mixer-ms">
                  <button
                    type="button"
                    className={`mixer-chip${stem.mute ? ' on' : ''}`}
                    aria-pressed={stem.mute}
                    aria-label={t(`Mute ${stem.name}`)}
                    disabled={!canEdit}
                    onClick={() => act(() => setMute(doc, stem.id, !stem.mute))}
                  >
                    M
                  </button>
                  <button
                    type="button"
                    className={`mixer-chip solo${stem.solo ? ' on' : ''}`}
                    aria-pressed={stem.solo}
                    aria-label={t(`Solo ${stem.name}`)}
                    disabled={!canEdit}
                    onClick={() => act(() => setSolo(doc, stem.id, !stem.solo))}
                  >
                    S
                  </button>
                </div>
                <PanControl
                  stem={stem}
                  disabled={!canEdit}
                  onChange={(v) => act(() => setPan(doc, stem.id, v))}
                />
              </td>
            ))}
          </tr>
          {!blind && (
            <tr className="mixer-meter-row">
              <th scope="row">Level</th>
              {mix.stems.map((stem) => (
                <td key={stem.id}>
                  <StemMeter stemId={stem.id} name={stem.name} />
                </td>
              ))}
            </tr>
          )}
        </thead>
        <tbody>
          {sections.length === 0 && (
            <tr>
              <td colSpan={mix.stems.length + 1} className="muted small">
                {canEdit
                  ? 'Add sections above to balance the song part by part.'
                  : 'No sections yet: the engineer or artist can add them.'}
              </td>
            </tr>
          )}
          {sections.map((section) => (
            <tr key={section.id}>
              <th scope="row" className={`mixer-section-head kind-${section.kind}`}>
                <span>{t(section.label)}</span>
                {section.intent && <span className="muted small">{t(section.intent)}</span>}
              </th>
              {mix.stems.map((stem) => (
                <td key={stem.id}>
                  <OffsetCell
                    section={section}
                    stem={stem}
                    value={sectionOffsetDb(scene, section.id, stem.id)}
                    disabled={!canEdit}
                    onChange={(db) =>
                      act(() => setSectionOffset(doc, scene.id, section.id, stem.id, db === 0 ? null : db))
                    }
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="mixer-fader-row">
            <th scope="row">Fader</th>
            {mix.stems.map((stem) => (
              <td key={stem.id}>
                <Fader
                  stem={stem}
                  value={effectiveFaderDb(scene, stem)}
                  disabled={!canEdit}
                  onChange={(db) => act(() => setSceneFader(doc, scene.id, stem.id, db))}
                />
              </td>
            ))}
          </tr>
          {!blind && (
            <tr className="mixer-clip-row">
              <th scope="row">Clip gain</th>
              {mix.stems.map((stem) => (
                <td key={stem.id}>
                  <DbField
                    label={`${stem.name} clip gain`}
                    value={stem.clipGainDb}
                    min={-60}
                    max={24}
                    disabled={!canEdit}
                    onCommit={(db) => act(() => setClipGain(doc, stem.id, db))}
                  />
                </td>
              ))}
            </tr>
          )}
        </tfoot>
      </table>
    </div>
  );
}

function StemStatus({ stemId }: { stemId: string }) {
  const { state } = useMixer();
  const s = state.stems[stemId];
  if (!s || s.status === 'ready') return null;
  return (
    <span className={`mixer-stem-status ${s.status}`} title={s.error}>
      {s.status === 'loading' ? 'loading…' : 'failed to load'}
    </span>
  );
}

/**
 * A dB number field that commits while typing whenever the text is a number in range (so collaborators
 * hear it at once) and shows the shared value again when focus leaves.
 */
export function DbField({
  label,
  value,
  min,
  max,
  step = 0.5,
  disabled,
  onCommit,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  disabled?: boolean;
  onCommit(db: number): void;
}) {
  const shown = String(Math.round(value * 10) / 10);
  const [draft, setDraft] = useState<string | null>(null);
  useEffect(() => {
    if (draft !== null && Number(draft) === value) setDraft(null);
  }, [value, draft]);
  return (
    <input
      className="mixer-num"
      type="number"
      inputMode="decimal"
      aria-label={label}
      min={min}
      max={max}
      step={step}
      value={draft ?? shown}
      disabled={disabled}
      onChange={(e) => {
        const text = e.currentTarget.value;
        setDraft(text);
        const v = Number(text);
        if (text.trim() !== '' && Number.isFinite(v) && v >= min && v <= max) onCommit(v);
      }}
      onBlur={() => setDraft(null)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setDraft(null);
      }}
    />
  );
}

function OffsetCell({
  section,
  stem,
  value,
  disabled,
  onChange,
}: {
  section: Section;
  stem: Stem;
  value: number;
  disabled: boolean;
  onChange(db: number): void;
}) {
  const { t, blind } = useMixer();
  const label = t(`${section.label} ${stem.name} offset`);
  if (blind) {
    return (
      <input
        type="range"
        className="mixer-offset-slider"
        aria-label={label}
        aria-valuetext={value > 0 ? 'raised' : value < 0 ? 'lowered' : 'unchanged'}
        min={-OFFSET_RANGE}
        max={OFFSET_RANGE}
        step={0.5}
        value={Math.max(-OFFSET_RANGE, Math.min(OFFSET_RANGE, value))}
        disabled={disabled}
        onChange={(e) => onChange(Number(e.currentTarget.value))}
        onDoubleClick={() => onChange(0)}
      />
    );
  }
  return (
    <div className={`mixer-offset${value > 0 ? ' up' : value < 0 ? ' down' : ''}`}>
      <DbField label={label} value={value} min={-60} max={24} disabled={disabled} onCommit={onChange} />
    </div>
  );
}

function Fader({
  stem,
  value,
  disabled,
  onChange,
}: {
  stem: Stem;
  value: number;
  disabled: boolean;
  onChange(db: number): void;
}) {
  const { t, blind } = useMixer();
  return (
    <div className="mixer-fader">
      <input
        type="range"
        className="mixer-fader-slider"
        aria-label={t(`${stem.name} fader`)}
        aria-valuetext={blind ? 'level hidden in blindfold mode' : `${value.toFixed(1)} dB`}
        min={FADER_MIN}
        max={FADER_MAX}
        step={0.1}
        value={Math.max(FADER_MIN, Math.min(FADER_MAX, value))}
        disabled={disabled}
        onChange={(e) => onChange(Number(e.currentTarget.value))}
        onDoubleClick={() => !disabled && onChange(0)}
      />
      {!blind && (
        <DbField
          label={`${stem.name} fader dB`}
          value={value}
          min={-60}
          max={24}
          step={0.1}
          disabled={disabled}
          onCommit={onChange}
        />
      )}
    </div>
  );
}

function PanControl({
  stem,
  disabled,
  onChange,
}: {
  stem: Stem;
  disabled: boolean;
  onChange(v: number): void;
}) {
  const { t, blind } = useMixer();
  const p = stem.pan;
  const side = p < -0.005 ? 'left' : p > 0.005 ? 'right' : 'centre';
  const text = blind || side === 'centre' ? side : `${Math.round(Math.abs(p) * 100)} ${side}`;
  return (
    <input
      type="range"
      className="mixer-pan"
      aria-label={t(`${stem.name} pan`)}
      aria-valuetext={text}
      min={-1}
      max={1}
      step={0.01}
      value={p}
      disabled={disabled}
      onChange={(e) => onChange(Number(e.currentTarget.value))}
      onDoubleClick={() => !disabled && onChange(0)}
    />
  );
}
