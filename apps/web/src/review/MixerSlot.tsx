import { type ComponentType, lazy, Suspense } from 'react';
import { EmptyState, Spinner } from '../ui/ui';

// The stems mixer and scenes live in src/mixer/ (built separately). Its entry, `src/mixer/index.tsx`,
// exports `MixerTab` (no props; it reads the session through `useSession()` from session/context).
// Until that module exists this slot shows a placeholder; no change here is needed when it lands.
const modules = import.meta.glob<{ MixerTab: ComponentType }>('../mixer/index.tsx');
const loader = modules['../mixer/index.tsx'];
const MixerTab = loader ? lazy(async () => ({ default: (await loader()).MixerTab })) : null;

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
