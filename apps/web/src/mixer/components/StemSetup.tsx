import { addStem, setSongInfo } from '@mixroom/mix-model';
import { useState } from 'react';
import { Link } from '../../lib/router';
import { Button, EmptyState } from '../../ui/ui';
import { useMixer } from '../context';

/** Shown while the document has no stems: lets an editor load a revision's stems into the mixer. */
export function StemSetup() {
  const { revisions, canEdit, doc, loadAnalysis, report, t } = useMixer();
  const [busy, setBusy] = useState(false);
  const withStems = revisions.filter((r) => r.stems.length > 0);
  const latest = withStems.at(-1);

  const setUp = async () => {
    if (!latest) return;
    setBusy(true);
    try {
      const analyses = await Promise.all(latest.stems.map((s) => loadAnalysis(s.fileId).catch(() => null)));
      doc.transact(() => {
        latest.stems.forEach((s, i) => {
          addStem(doc, { fileId: s.fileId, name: s.name.slice(0, 200) || `Stem ${i + 1}` });
        });
        const duration = Math.max(0, ...analyses.map((a) => a?.durationS ?? 0));
        if (duration > 0) setSongInfo(doc, { durationS: Math.round(duration * 1000) / 1000 });
      });
      report('');
    } catch (e) {
      report(e instanceof Error ? e.message : 'The stems could not be added.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <EmptyState title="No stems in the mixer yet">
      {latest ? (
        canEdit ? (
          <>
            <p>{t(`Revision v${latest.number} came with ${latest.stems.length} stems.`)}</p>
            <Button variant="primary" onClick={setUp} busy={busy}>
              {t(`Use the stems of v${latest.number}`)}
            </Button>
          </>
        ) : (
          <p>
            The engineer has uploaded stems; they appear here once the engineer or artist sets up the mixer.
          </p>
        )
      ) : (
        <p>
          The mixer plays the stems of a revision.{' '}
          {canEdit ? (
            <Link to={window.location.pathname.replace(/\/mixer\/?$/, '/upload')}>
              Upload a revision with stems
            </Link>
          ) : null}
        </p>
      )}
    </EmptyState>
  );
}
