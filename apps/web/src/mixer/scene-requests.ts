/**
 * Lets other parts of the app (a note's "Apply to a new proposal") open a scene in the mixer: a request
 * made while the mixer is mounted switches it at once; one made before is picked up when it mounts.
 */
const EVENT = 'mixroom:mixer-scene';
const KEY = 'mixroom.mixer.pendingScene';

/** Asks the mixer to play `sceneId` (now, or when it next opens in this tab). */
export function selectMixerScene(sceneId: string): void {
  try {
    sessionStorage.setItem(KEY, sceneId);
  } catch {
    // no storage: only a mounted mixer hears the request
  }
  window.dispatchEvent(new CustomEvent<string>(EVENT, { detail: sceneId }));
}

export function consumePendingScene(): string | null {
  try {
    const id = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    return id;
  } catch {
    return null;
  }
}

export function onSceneRequest(fn: (sceneId: string) => void): () => void {
  const listener = (e: Event) => {
    const id = (e as CustomEvent<string>).detail;
    if (typeof id !== 'string') return;
    consumePendingScene();
    fn(id);
  };
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
