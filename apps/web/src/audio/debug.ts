import { ReviewPlayer } from './ReviewPlayer';

interface ReviewDebug {
  /** The review player of the open session page, if any (tests read its state). */
  player: ReviewPlayer | null;
  /** The class, so a test can render it into an OfflineAudioContext. */
  ReviewPlayer: typeof ReviewPlayer;
}

const handle: ReviewDebug = { player: null, ReviewPlayer };
(window as unknown as { __mixroomReview: ReviewDebug }).__mixroomReview = handle;

/** Read-only handle for browser tests and benchmarks: `window.__mixroomReview`. */
export function exposeReviewPlayer(player: ReviewPlayer | null): void {
  handle.player = player;
}
