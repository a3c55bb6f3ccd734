import { sectionLevels } from '@mixroom/mix-model';
import { useMemo } from 'react';
import { useMixer } from '../context';

const W = 640;
const H = 240;
const PAD = { left: 44, right: 44, top: 14, bottom: 58 };

/**
 * The emotional arc: each stem's effective level (clip + section offset + fader, mix-model
 * `sectionLevels`) per section of the scene heard now, one line per stem, sections labelled with the
 * intent from the brief's section notes.
 */
export function ArcChart() {
  const { mix, state, t } = useMixer();
  const data = useMemo(() => {
    if (!state.heardSceneId || mix.sections.length === 0) return null;
    return sectionLevels(mix, state.heardSceneId);
  }, [mix, state.heardSceneId]);
  if (!data || data.sections.length === 0) return null;
  const sections = data.sections;
  const finite = data.stems.flatMap((s) => s.levels.map((l) => l.levelDb)).filter(Number.isFinite);
  const hi = Math.ceil((Math.max(0, ...finite) + 3) / 6) * 6;
  const lo = Math.floor((Math.min(-24, ...finite) - 3) / 6) * 6;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) =>
    PAD.left + (sections.length === 1 ? plotW / 2 : (i / (sections.length - 1)) * plotW);
  const y = (db: number) => PAD.top + ((hi - Math.max(lo, db)) / (hi - lo)) * plotH;
  const ticks: number[] = [];
  for (let v = hi; v >= lo; v -= 6) ticks.push(v);
  const scene = mix.scenes.find((s) => s.id === data.sceneId);
  const title = t(`Emotional arc of ${scene?.name ?? 'the scene'}`);

  return (
    <figure className="mixer-arc card-lite">
      <figcaption>
        <h3>Emotional arc</h3>
        <span className="muted small">Each stem's level per section in “{t(scene?.name ?? 'Scene')}”</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="mixer-arc-title mixer-arc-desc">
        <title id="mixer-arc-title">{title}</title>
        <desc id="mixer-arc-desc">
          {data.stems
            .map(
              (s) =>
                `${s.name}: ${s.levels
                  .map(
                    (l, i) =>
                      `${sections[i]?.label ?? ''} ${Number.isFinite(l.levelDb) ? `${l.levelDb.toFixed(1)} dB` : 'silent'}`,
                  )
                  .join(', ')}`,
            )
            .join('; ')}
        </desc>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="mixer-arc-grid" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" className="mixer-arc-axis">
              {v > 0 ? `+${v}` : v}
            </text>
          </g>
        ))}
        <text
          x={10}
          y={PAD.top + plotH / 2}
          className="mixer-arc-axis"
          transform={`rotate(-90 10 ${PAD.top + plotH / 2})`}
          textAnchor="middle"
        >
          dB
        </text>
        {sections.map((s, i) => (
          <g key={s.id}>
            <line x1={x(i)} x2={x(i)} y1={PAD.top} y2={PAD.top + plotH} className="mixer-arc-grid" />
            <text x={x(i)} y={H - PAD.bottom + 16} textAnchor="middle" className="mixer-arc-label">
              {t(s.label)}
            </text>
            {s.intent && (
              <text x={x(i)} y={H - PAD.bottom + 32} textAnchor="middle" className="mixer-arc-intent">
                {t(s.intent).slice(0, 24)}
              </text>
            )}
          </g>
        ))}
        {data.stems
          .filter((s) => s.audible)
          .map((s) => (
            <g key={s.stemId} style={{ color: s.color }}>
              <polyline
                fill="none"
                stroke="currentColor"
                strokeWidth={2}
                points={s.levels.map((l, i) => `${x(i)},${y(l.levelDb)}`).join(' ')}
              />
              {s.levels.map((l, i) => (
                <circle key={l.sectionId} cx={x(i)} cy={y(l.levelDb)} r={3} fill="currentColor" />
              ))}
            </g>
          ))}
      </svg>
      <ul className="mixer-arc-legend">
        {data.stems.map((s) => (
          <li key={s.stemId} style={{ color: s.color }}>
            <span className="swatch" aria-hidden="true" />
            <span className="name">{t(s.name)}</span>
            {!s.audible && <span className="muted small"> (muted)</span>}
          </li>
        ))}
      </ul>
    </figure>
  );
}
