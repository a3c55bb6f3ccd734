import { useEffect, useRef, useState } from 'react';
import { Button } from '../../ui/ui';
import { useMixer } from '../context';
import { MASTER, type MeterStore, type TimedReading } from '../engine/meters';

const FLOOR_DB = -60;
/** True peak above this (dBTP) shows a warning: lossy encoding and cheap converters may clip. */
export const TRUE_PEAK_WARN_DBTP = -1;
/** Peak-hold fall-back rate of the bars, dB per second. */
const FALL_DB_PER_S = 24;

const toDb = (x: number) => (x > 0 ? 20 * Math.log10(x) : Number.NEGATIVE_INFINITY);
const frac = (db: number) =>
  Number.isFinite(db) ? Math.max(0, Math.min(1, (db - FLOOR_DB) / -FLOOR_DB)) : 0;

/** Calls `draw` every animation frame with the meter's latest reading (no React renders). */
function useMeterFrame(
  store: MeterStore,
  key: string,
  draw: (r: TimedReading | undefined, dt: number) => void,
) {
  const latest = useRef(draw);
  latest.current = draw;
  useEffect(() => {
    let last = performance.now();
    let frame = requestAnimationFrame(function tick(now) {
      latest.current(store.get(key), (now - last) / 1000);
      last = now;
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [store, key]);
}

/** A stem's peak and RMS bars (post-fader, post-pan; max of both channels). */
export function StemMeter({ stemId, name }: { stemId: string; name: string }) {
  const { engine, state } = useMixer();
  const peakRef = useRef<HTMLDivElement>(null);
  const rmsRef = useRef<HTMLDivElement>(null);
  const hold = useRef(FLOOR_DB);
  useMeterFrame(engine.meters, stemId, (r, dt) => {
    const peakDb = r ? toDb(Math.max(...r.peak)) : Number.NEGATIVE_INFINITY;
    const rmsDb = r
      ? toDb(Math.sqrt(r.rms.reduce((a, v) => a + v * v, 0) / r.rms.length))
      : Number.NEGATIVE_INFINITY;
    hold.current = Math.max(peakDb, hold.current - FALL_DB_PER_S * dt);
    if (peakRef.current) peakRef.current.style.transform = `scaleY(${frac(hold.current)})`;
    if (rmsRef.current) rmsRef.current.style.transform = `scaleY(${frac(rmsDb)})`;
  });
  if (!state.metersReady) return null;
  return (
    <div className="mixer-meter" role="img" aria-label={`${name} level meter`}>
      <div className="mixer-meter-peak" ref={peakRef} />
      <div className="mixer-meter-rms" ref={rmsRef} />
    </div>
  );
}

/**
 * Master meters: peak and RMS per channel, short-term (3 s) and momentary (400 ms) loudness, the highest
 * short-term value, and a true-peak warning. They report, they do not judge: no target is shown.
 */
export function MasterMeter() {
  const { engine, state } = useMixer();
  const bars = useRef<(HTMLDivElement | null)[]>([]);
  const shortRef = useRef<HTMLSpanElement>(null);
  const momRef = useRef<HTMLSpanElement>(null);
  const maxRef = useRef<HTMLSpanElement>(null);
  const peakRef = useRef<HTMLSpanElement>(null);
  const holds = useRef([FLOOR_DB, FLOOR_DB]);
  const [truePeakDb, setTruePeakDb] = useState(Number.NEGATIVE_INFINITY);

  useMeterFrame(engine.meters, MASTER, (r, dt) => {
    for (let c = 0; c < 2; c++) {
      const p = r ? toDb(r.peak[c] ?? 0) : Number.NEGATIVE_INFINITY;
      holds.current[c] = Math.max(p, holds.current[c]! - FALL_DB_PER_S * dt);
      const peakBar = bars.current[c * 2];
      const rmsBar = bars.current[c * 2 + 1];
      if (peakBar) peakBar.style.transform = `scaleX(${frac(holds.current[c]!)})`;
      if (rmsBar) rmsBar.style.transform = `scaleX(${frac(r ? toDb(r.rms[c] ?? 0) : -Infinity)})`;
    }
    const fmt = (v: number | null | undefined) =>
      v !== null && v !== undefined && Number.isFinite(v) ? v.toFixed(1) : '—';
    if (shortRef.current) shortRef.current.textContent = fmt(r?.shortTerm);
    if (momRef.current) momRef.current.textContent = fmt(r?.momentary);
    if (maxRef.current) maxRef.current.textContent = fmt(engine.meters.shortTermMax);
    if (peakRef.current) peakRef.current.textContent = fmt(toDb(Math.max(...(r?.peak ?? [0]))));
    const tp = r?.truePeakMax ? toDb(r.truePeakMax) : Number.NEGATIVE_INFINITY;
    if (Math.abs(tp - truePeakDb) > 0.05 && (tp > TRUE_PEAK_WARN_DBTP || truePeakDb > TRUE_PEAK_WARN_DBTP)) {
      setTruePeakDb(tp);
    }
  });

  if (!state.metersReady) {
    return (
      <section className="mixer-master card-lite" aria-label="Master meters">
        <h3>Master</h3>
        <p className="muted small">Meters are not available in this browser.</p>
      </section>
    );
  }
  return (
    <section className="mixer-master card-lite" aria-label="Master meters">
      <h3>Master</h3>
      <div className="mixer-master-bars" role="img" aria-label="Master peak and RMS, left and right">
        {['L', 'R'].map((ch, c) => (
          <div key={ch} className="mixer-hbar">
            <span className="mixer-hbar-ch">{ch}</span>
            <div className="mixer-hbar-track">
              <div
                className="mixer-hbar-peak"
                ref={(el) => {
                  bars.current[c * 2] = el;
                }}
              />
              <div
                className="mixer-hbar-rms"
                ref={(el) => {
                  bars.current[c * 2 + 1] = el;
                }}
              />
            </div>
          </div>
        ))}
      </div>
      <dl className="mixer-readouts">
        <div>
          <dt>Short-term</dt>
          <dd>
            <span ref={shortRef}>—</span> LUFS
          </dd>
        </div>
        <div>
          <dt>Momentary</dt>
          <dd>
            <span ref={momRef}>—</span> LUFS
          </dd>
        </div>
        <div>
          <dt>Short-term max</dt>
          <dd>
            <span ref={maxRef}>—</span> LUFS
          </dd>
        </div>
        <div>
          <dt>Peak</dt>
          <dd>
            <span ref={peakRef}>—</span> dBFS
          </dd>
        </div>
      </dl>
      {truePeakDb > TRUE_PEAK_WARN_DBTP && (
        <p className="mixer-warn" role="alert">
          True peak reached {truePeakDb.toFixed(1)} dBTP (estimated):{' '}
          {truePeakDb > 0
            ? 'this will clip after conversion or encoding.'
            : 'close to clipping after encoding.'}
        </p>
      )}
      <Button
        size="sm"
        variant="ghost"
        onClick={() => {
          engine.meters.resetHolds();
          engine.resetMeterHolds();
          setTruePeakDb(Number.NEGATIVE_INFINITY);
        }}
      >
        Reset peaks
      </Button>
    </section>
  );
}
