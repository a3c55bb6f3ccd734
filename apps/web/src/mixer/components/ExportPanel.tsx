import { automationTable, automationTableCsv } from '@mixroom/mix-model';
import { useState } from 'react';
import { Button } from '../../ui/ui';
import { useMixer } from '../context';

function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function safeName(s: string): string {
  return (
    s
      .replace(/[^\w\- ]+/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .slice(0, 60) || 'scene'
  );
}

/** Exports the scene heard now: a WAV render (same graph, offline) and the section x stem automation CSV. */
export function ExportPanel() {
  const { engine, mix, state, t, report } = useMixer();
  const [busy, setBusy] = useState(false);
  const scene = mix.scenes.find((s) => s.id === state.heardSceneId);
  const base = `${safeName(mix.meta.title || 'song')}-${safeName(scene?.name ?? 'scene')}`;
  const loaded = Object.values(state.stems).every((s) => s.status !== 'loading');

  const wav = async () => {
    setBusy(true);
    try {
      download(await engine.renderWav({ sceneId: state.heardSceneId, bitDepth: 24 }), `${base}.wav`);
      report('');
    } catch (e) {
      report(e instanceof Error ? `The render failed: ${e.message}` : 'The render failed.');
    } finally {
      setBusy(false);
    }
  };
  const csv = () => {
    const text = automationTableCsv(automationTable(mix, state.heardSceneId ?? undefined));
    download(new Blob([text], { type: 'text/csv' }), `${base}-automation.csv`);
  };

  return (
    <section className="mixer-export" aria-label="Export the scene">
      <span className="muted small">Export “{t(scene?.name ?? 'Scene')}”:</span>
      <Button
        size="sm"
        onClick={wav}
        busy={busy}
        title="24-bit PCM WAV of the whole song"
        disabled={!loaded || mix.stems.length === 0}
      >
        {busy ? 'Rendering…' : 'WAV render'}
      </Button>
      <Button size="sm" onClick={csv}>
        Automation table (CSV)
      </Button>
    </section>
  );
}
