import { setClipGain } from '@mixroom/mix-model';
import { useEffect, useState } from 'react';
import { formatDb } from '../../lib/format';
import { Button } from '../../ui/ui';
import { type MixerAnalysis, useMixer } from '../context';

/**
 * Gain-staging hints from the server's analysis of each stem file: the clip gain that puts its peak in
 * the -18..-6 dBFS working window (`suggestedClipGainDb`), one click to apply (or all at once).
 */
export function GainStaging() {
  const { mix, doc, canEdit, loadAnalysis, report } = useMixer();
  const [analyses, setAnalyses] = useState<Record<string, MixerAnalysis | null>>({});
  const fileIds = mix.stems.map((s) => s.fileId).join(',');

  useEffect(() => {
    let live = true;
    const ids = fileIds ? fileIds.split(',') : [];
    for (const id of ids) {
      loadAnalysis(id)
        .then((a) => live && setAnalyses((prev) => ({ ...prev, [id]: a })))
        .catch(() => live && setAnalyses((prev) => ({ ...prev, [id]: null })));
    }
    return () => {
      live = false;
    };
  }, [fileIds, loadAnalysis]);

  const hints = mix.stems
    .map((stem) => ({ stem, a: analyses[stem.fileId] ?? null }))
    .filter(
      (h): h is { stem: (typeof mix.stems)[number]; a: MixerAnalysis & { suggestedClipGainDb: number } } =>
        h.a?.suggestedClipGainDb != null && Math.abs(h.a.suggestedClipGainDb - h.stem.clipGainDb) >= 0.5,
    );
  const apply = (items: typeof hints) => {
    try {
      doc.transact(() => {
        for (const { stem, a } of items) setClipGain(doc, stem.id, a.suggestedClipGainDb);
      });
      report('');
    } catch (e) {
      report(e instanceof Error ? e.message : 'The clip gain could not be set.');
    }
  };

  return (
    <section className="mixer-staging card-lite" aria-labelledby="mixer-staging-h">
      <h3 id="mixer-staging-h">Gain staging</h3>
      {hints.length === 0 ? (
        <p className="muted small">
          {Object.keys(analyses).length === 0
            ? 'Waiting for the stems’ analysis.'
            : 'Every analysed stem already peaks in the −18 to −6 dBFS working window.'}
        </p>
      ) : (
        <>
          <ul className="mixer-hints">
            {hints.map(({ stem, a }) => (
              <li key={stem.id}>
                <span>
                  <strong>{stem.name}</strong> peaks at {formatDb(a.samplePeakDbfs)} dBFS; a clip gain of{' '}
                  {formatDb(a.suggestedClipGainDb)} dB puts it in the working window (now{' '}
                  {formatDb(stem.clipGainDb)} dB).
                </span>
                {canEdit && (
                  <Button
                    size="sm"
                    onClick={() => apply([{ stem, a }])}
                    aria-label={`Apply the suggested clip gain to ${stem.name}`}
                  >
                    Apply
                  </Button>
                )}
              </li>
            ))}
          </ul>
          {canEdit && hints.length > 1 && (
            <Button size="sm" onClick={() => apply(hints)}>
              Apply all suggestions
            </Button>
          )}
        </>
      )}
    </section>
  );
}
