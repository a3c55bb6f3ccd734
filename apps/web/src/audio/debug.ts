import { ReviewPlayer } from './ReviewPlayer';

/**
 * Read-only handle for browser tests and benchmarks: the mounted review player (its state, not its
 * controls, is what tests check) and the class, so a test can render it into an OfflineAudioContext.
 */
export function exposeReviewPlayer(player: ReviewPlayer | null): void {
  (window as unknown as { __mixroomReview?: unknown }).__mixroomReview = { player, ReviewPlayer };
}
