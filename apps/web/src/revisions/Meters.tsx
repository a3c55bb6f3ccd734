import type { Analysis } from '../api/types';
import { formatDb } from '../lib/format';

interface MeterProps {
  label: string;
  value: number | null;
  min: number;
  max: number;
  unit: string;
  /** Values above this are drawn as a warning. */
  warnAbove?: number;
  /** A shaded target window [from, to]. */
  window?: [number, number];
  /** Extra tick marks (e.g. a loudness reference). */
  ticks?: { at: number; label: string }[];
  /** Secondary markers on the same scale (e.g. short-term max). */
  markers?: { at: number | null; label: string }[];
}

/** A horizontal level meter with an accessible value (role meter), not only a number. */
export function Meter({
  label,
  value,
  min,
  max,
  unit,
  warnAbove,
  window,
  ticks = [],
  markers = [],
}: MeterProps) {
  const pos = (v: number) => `${Math.max(0, Math.min(100, ((v - min) / (max - min)) * 100))}%`;
  const warn = value !== null && warnAbove !== undefined && value > warnAbove;
  const text = value === null ? 'silent' : `${formatDb(value)} ${unit}`;
  return (
    <div className="meter-row">
      <span className="meter-label">{label}</span>
      {/* biome-ignore lint/a11y/useSemanticElements: a drawn scale with markers and a target window, which <meter> cannot show */}
      <div
        className={`meter${warn ? ' meter-warn' : ''}`}
        role="meter"
        aria-label={label}
        aria-valuemin={min}
        aria-valuemax={max}
        aria-valuenow={value === null ? min : Math.max(min, Math.min(max, value))}
        aria-valuetext={text}
      >
        {window && (
          <div
            className="meter-window"
            style={{ left: pos(window[0]), width: `calc(${pos(window[1])} - ${pos(window[0])})` }}
          />
        )}
        {warnAbove !== undefined && <div className="meter-danger" style={{ left: pos(warnAbove) }} />}
        <div className="meter-fill" style={{ width: value === null ? '0%' : pos(value) }} />
        {markers.map(
          (m) =>
            m.at !== null && (
              <div
                key={m.label}
                className="meter-marker"
                style={{ left: pos(m.at) }}
                title={`${m.label}: ${formatDb(m.at)} ${unit}`}
              />
            ),
        )}
        {ticks.map((t) => (
          <div key={t.label} className="meter-tick" style={{ left: pos(t.at) }} title={t.label}>
            <span>{t.label}</span>
          </div>
        ))}
      </div>
      <span className={`meter-value${warn ? ' warn' : ''}`}>{text}</span>
    </div>
  );
}

/** Loudness, peaks and clipping of one file, drawn as meters. */
export function AnalysisMeters({
  analysis,
  kind,
}: {
  analysis: Analysis;
  kind: 'mix' | 'stem' | 'reference';
}) {
  return (
    <div className="meters">
      <Meter
        label="Integrated loudness"
        value={analysis.integratedLufs}
        min={-40}
        max={0}
        unit="LUFS"
        ticks={kind === 'mix' ? [{ at: -14, label: '−14' }] : []}
        markers={[
          { at: analysis.shortTermMaxLufs, label: 'Short-term max' },
          { at: analysis.momentaryMaxLufs, label: 'Momentary max' },
        ]}
      />
      <Meter label="True peak" value={analysis.truePeakDbtp} min={-30} max={3} unit="dBTP" warnAbove={-1} />
      <Meter
        label="Sample peak"
        value={analysis.samplePeakDbfs}
        min={-30}
        max={3}
        unit="dBFS"
        warnAbove={0}
      />
      <Meter label="RMS" value={analysis.rmsDbfs} min={-60} max={0} unit="dBFS" />
      <p className="meter-facts muted small">
        {analysis.loudnessRangeLu !== null && <>Loudness range {analysis.loudnessRangeLu.toFixed(1)} LU · </>}
        {analysis.clippedSamples > 0 ? (
          <span className="warn">{analysis.clippedSamples.toLocaleString()} clipped samples</span>
        ) : (
          'no clipping'
        )}
        {' · '}
        {analysis.sampleRate ? `${(analysis.sampleRate / 1000).toFixed(1)} kHz` : ''}
        {analysis.channels
          ? `, ${analysis.channels === 1 ? 'mono' : analysis.channels === 2 ? 'stereo' : `${analysis.channels} ch`}`
          : ''}
      </p>
    </div>
  );
}

const CG_MIN = -48;
const CG_MAX = 3;
const cgPos = (v: number) => `${Math.max(0, Math.min(100, ((v - CG_MIN) / (CG_MAX - CG_MIN)) * 100))}%`;

/**
 * Gain staging for stems: each stem's peak on a dBFS scale with the healthy window (-18..-6 dBFS)
 * shaded, and an arrow for the suggested clip gain. Rows are {@link ClipGainRow}s.
 */
export function ClipGainChart({ children }: { children: React.ReactNode }) {
  return (
    <div className="clipgain">
      <div className="clipgain-scale muted small" aria-hidden="true">
        <span style={{ left: cgPos(-18) }}>−18</span>
        <span style={{ left: cgPos(-6) }}>−6</span>
        <span style={{ left: cgPos(0) }}>0 dBFS</span>
      </div>
      <ul className="clipgain-list" aria-label="Suggested clip gains">
        {children}
      </ul>
    </div>
  );
}

export function ClipGainRow({ name, analysis }: { name: string; analysis: Analysis | null }) {
  const peak = analysis?.samplePeakDbfs ?? null;
  const gain = analysis?.suggestedClipGainDb ?? null;
  const after = peak !== null && gain !== null ? peak + gain : null;
  const desc =
    analysis === null
      ? 'not analysed yet'
      : `peak ${formatDb(peak)} dBFS, suggested clip gain ${formatDb(gain)} dB`;
  return (
    <li className="clipgain-row">
      <span className="clipgain-name">{name}</span>
      <div className="clipgain-track" role="img" aria-label={`${name}: ${desc}`}>
        <div
          className="clipgain-window"
          style={{ left: cgPos(-18), width: `calc(${cgPos(-6)} - ${cgPos(-18)})` }}
        />
        {peak !== null && <div className="clipgain-peak" style={{ width: cgPos(peak) }} />}
        {after !== null && peak !== null && gain !== null && Math.abs(gain) >= 0.1 && (
          <div
            className={`clipgain-arrow ${gain > 0 ? 'up' : 'down'}`}
            style={{
              left: cgPos(Math.min(peak, after)),
              width: `calc(${cgPos(Math.max(peak, after))} - ${cgPos(Math.min(peak, after))})`,
            }}
          />
        )}
      </div>
      <span className="clipgain-value">{analysis ? `${formatDb(gain)} dB` : '…'}</span>
    </li>
  );
}
