import { useEffect, useMemo, useRef, useState } from 'react';
import { audioUrl } from '../api/endpoints';
import { analysisOf, mixFile, type Note, type ReviewRevision as Revision } from '../api/types';
import { Link, useLocation } from '../lib/router';
import { DecisionPanel } from '../revisions/DecisionPanel';
import { AnalysisMeters } from '../revisions/Meters';
import { RevisionBar } from '../revisions/RevisionBar';
import { can, useMix, useSession, usePlayerState } from '../session/context';
import { EmptyState, ErrorText, Spinner } from '../ui/ui';
import { type ComposerHandle, NoteComposer } from './NoteComposer';
import { type NoteFilterId, NotesPanel } from './NotesPanel';
import { type Range, Timeline } from './Timeline';
import { Transport, useTransportShortcuts } from './Transport';
import { useNotes } from './useNotes';

export function ReviewRoom() {
  const { revisions, revisionsError, role, sessionId } = useSession();
  const { query } = useLocation();
  if (revisions === null) return <Spinner label="Loading revisions" />;
  if (revisions.length === 0) {
    return (
      <div className="page-pad">
        <ErrorText>{revisionsError}</ErrorText>
        <EmptyState title="No revisions yet — upload a bounce">
          {can.upload(role) ? (
            <p>
              <Link to={`/sessions/${sessionId}/upload`}>Upload the first mix</Link> (and its stems). Everyone
              in the session can then listen, leave notes and approve it here.
            </p>
          ) : (
            <p>
              The engineer has not uploaded a mix yet. You will see it here as soon as they do — no need to
              reload.
            </p>
          )}
        </EmptyState>
      </div>
    );
  }
  const current = revisions.find((r) => r.id === query.get('rev')) ?? revisions[revisions.length - 1]!;
  const compareId = query.get('compare');
  const compare =
    compareId && compareId !== current.id ? (revisions.find((r) => r.id === compareId) ?? null) : null;
  return <Room revisions={revisions} current={current} compare={compare} />;
}

function Room({
  revisions,
  current,
  compare,
}: {
  revisions: Revision[];
  current: Revision;
  compare: Revision | null;
}) {
  const { player, role } = useSession();
  const mix = useMix();
  const state = usePlayerState();
  const analysis = analysisOf(mixFile(current));
  const compareAnalysis = compare ? analysisOf(mixFile(compare)) : null;
  const { notes, error, upsert, remove } = useNotes(current.id);
  const [range, setRange] = useState<Range | null>(null);
  const [filter, setFilter] = useState<NoteFilterId>('open');
  const [activeNoteId, setActiveNoteId] = useState<string | null>(null);
  const composer = useRef<ComposerHandle>(null);

  // Load the bounce(s) into the player; the compare revision stays in sync for gapless A/B.
  useEffect(() => {
    if (!current.mixFileId) {
      player.setTracks(null);
      return;
    }
    player.setTracks(
      { key: current.id, url: audioUrl(current.mixFileId), integratedLufs: analysis?.integratedLufs ?? null },
      compare?.mixFileId
        ? {
            key: compare.id,
            url: audioUrl(compare.mixFileId),
            integratedLufs: compareAnalysis?.integratedLufs ?? null,
          }
        : null,
    );
  }, [
    player,
    current.id,
    current.mixFileId,
    compare?.id,
    compare?.mixFileId,
    analysis?.integratedLufs,
    compareAnalysis?.integratedLufs,
  ]);

  const duration = state.duration || mixFile(current)?.durationS || mix.meta.durationS || 0;
  useEffect(() => {
    const hint = mixFile(current)?.durationS || mix.meta.durationS;
    if (!state.duration && hint) player.setDurationHint(hint);
  }, [player, state.duration, current, mix.meta.durationS]);

  const shortcuts = useMemo(
    () => ({
      onNewNote: () => {
        setRange({ atS: player.position(), endS: null });
        composer.current?.focus();
      },
    }),
    [player],
  );
  useTransportShortcuts(shortcuts);

  const topNotes = (notes ?? []).filter((n) => !n.parentId);
  const pinned = topNotes.filter((n) =>
    filter === 'resolved' ? n.resolved : filter === 'all' || filter === 'mine' ? true : !n.resolved,
  );

  const activate = (note: Note) => {
    setActiveNoteId(note.id);
    player.seek(note.atS);
  };

  return (
    <div className="review-room">
      <RevisionBar revisions={revisions} current={current} compare={compare} />
      <section className="card player-card" aria-label="Player">
        {!current.mixFileId && <p className="muted">This revision has no mix file.</p>}
        <Timeline
          revision={state.active === compare?.id && compare ? compare : current}
          duration={duration}
          sections={mix.sections}
          notes={pinned}
          selection={range}
          onSelect={(r) => {
            setRange(r);
            composer.current?.focus();
          }}
          onPin={activate}
          activeNoteId={activeNoteId}
        />
        <Transport />
      </section>
      <div className="review-columns">
        <div className="review-main">
          <NotesPanel
            notes={notes}
            error={error}
            filter={filter}
            onFilter={setFilter}
            sections={mix.sections}
            stems={mix.stems}
            activeNoteId={activeNoteId}
            onActivate={activate}
            onChanged={upsert}
            onDeleted={remove}
            revisionId={current.id}
          />
        </div>
        <aside className="review-side" aria-label="Note and decision">
          <DecisionPanel revision={current} />
          <NoteComposer
            ref={composer}
            revisionId={current.id}
            range={range}
            onRangeChange={setRange}
            sections={mix.sections}
            stems={mix.stems}
            currentTime={() => player.position()}
            onCreated={(n) => {
              upsert(n);
              setActiveNoteId(n.id);
              if (filter === 'resolved') setFilter('open');
            }}
          />
          {analysis && (
            <details className="card technical">
              <summary>
                <h2>Technical check of v{current.number}</h2>
              </summary>
              <AnalysisMeters analysis={analysis} kind="mix" />
            </details>
          )}
          {role === 'viewer' && <p className="muted small">You are listening as a viewer.</p>}
        </aside>
      </div>
    </div>
  );
}
