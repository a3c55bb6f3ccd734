import { type ComponentType, lazy, Suspense } from 'react';
import type * as Y from 'yjs';
import { EmptyState, Spinner } from '../ui/ui';

// The stems mixer and scenes live in src/mixer/ (built separately). Its entry, `src/mixer/index.tsx`,
// exports `MixerTab` (no props; it reads the session through `useSession()` from session/context) and
// `ApplyNoteButton` (a structured note -> a new balance proposal). It is loaded on demand, in its own
// chunk; without the module this slot shows a placeholder and notes show no proposal button.

interface ApplyNoteProps {
  doc: Y.Doc;
  note: {
    sectionId: string | null;
    stemId: string | null;
    direction: 'up' | 'down' | null;
    amountDb: number | null;
  };
  createdBy: string;
  disabled?: boolean;
}

interface MixerModule {
  MixerTab: ComponentType;
  ApplyNoteButton: ComponentType<ApplyNoteProps>;
}

const modules = import.meta.glob<MixerModule>('../mixer/index.tsx');
const loader = modules['../mixer/index.tsx'];
const MixerTab = loader ? lazy(async () => ({ default: (await loader()).MixerTab })) : null;
const ApplyNoteButton = loader ? lazy(async () => ({ default: (await loader()).ApplyNoteButton })) : null;

export function MixerSlot() {
  if (!MixerTab) {
    return (
      <div className="page-pad">
        <EmptyState title="The stems mixer is coming">
          <p>
            Section-by-section balance scenes on the real stems will appear here. For now, leave structured
            notes in the Review tab (section, stem, up or down, how many dB).
          </p>
        </EmptyState>
      </div>
    );
  }
  return (
    <Suspense fallback={<Spinner label="Loading the mixer" />}>
      <MixerTab />
    </Suspense>
  );
}

/** "Apply as a proposal" for a structured note, when the mixer module is there. */
export function ApplyNoteSlot(props: ApplyNoteProps) {
  const { sectionId, stemId, direction, amountDb } = props.note;
  if (!ApplyNoteButton || !sectionId || !stemId || !direction || !amountDb) return null;
  return (
    <Suspense fallback={null}>
      <ApplyNoteButton {...props} />
    </Suspense>
  );
}
