import { applyStructuredNote } from '@mixroom/mix-model';
import { useState } from 'react';
import type * as Y from 'yjs';
import { Link } from '../../lib/router';
import { Button } from '../../ui/ui';
import { selectMixerScene } from '../scene-requests';

/** A structured note: section, part (stem), direction and amount ("chorus / rhythm gtr / up / 3 dB"). */
export interface StructuredNoteInput {
  readonly sectionId: string;
  readonly stemId: string;
  readonly direction: 'up' | 'down';
  /** dB, > 0. */
  readonly amountDb: number;
}

/**
 * Turns a structured note into a balance proposal in one action: a new scene duplicating the engineer's
 * scene (or `baseSceneId`) with the stem's offset in that section moved by the note's amount (mix-model
 * `applyStructuredNote`, [MM-17]), then asks the mixer to play it. Returns the new scene's id.
 */
export function applyNoteAsProposal(
  doc: Y.Doc,
  note: StructuredNoteInput,
  options: { createdBy: string; baseSceneId?: string; name?: string },
): string {
  const id = applyStructuredNote(doc, {
    sectionId: note.sectionId,
    stemId: note.stemId,
    direction: note.direction,
    amountDb: note.amountDb,
    createdBy: options.createdBy,
    ...(options.baseSceneId ? { sceneId: options.baseSceneId } : {}),
    ...(options.name ? { name: options.name } : {}),
  });
  selectMixerScene(id);
  return id;
}

/**
 * "Apply to a new proposal" for a note in the review room's note list. Renders nothing for a note that
 * is not structured (needs section, stem, direction and amount). After applying it links to the mixer
 * (`mixerHref`, default: this session's mixer tab), where the new scene is selected.
 */
export function ApplyNoteButton({
  doc,
  note,
  createdBy,
  disabled,
  mixerHref,
  onApplied,
}: {
  doc: Y.Doc;
  note: {
    sectionId: string | null;
    stemId: string | null;
    direction: 'up' | 'down' | null;
    amountDb: number | null;
  };
  createdBy: string;
  disabled?: boolean;
  mixerHref?: string;
  onApplied?: (sceneId: string) => void;
}) {
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState('');
  const { sectionId, stemId, direction, amountDb } = note;
  if (!sectionId || !stemId || !direction || !amountDb || amountDb <= 0) return null;
  const href = mixerHref ?? window.location.pathname.replace(/^(\/sessions\/[^/]+).*$/, '$1/mixer');
  const apply = () => {
    try {
      const id = applyNoteAsProposal(doc, { sectionId, stemId, direction, amountDb }, { createdBy });
      setDone(id);
      setError('');
      onApplied?.(id);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The proposal could not be made.');
    }
  };
  return (
    <span className="mixer-apply-note">
      <Button size="sm" onClick={apply} disabled={disabled}>
        Apply to a new proposal
      </Button>
      {done && (
        <span role="status" className="small">
          Proposal made. <Link to={href}>Hear it in the mixer</Link>
        </span>
      )}
      {error && (
        <span role="alert" className="field-error small">
          {error}
        </span>
      )}
    </span>
  );
}
