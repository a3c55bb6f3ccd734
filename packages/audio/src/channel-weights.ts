// WAVE_FORMAT_EXTENSIBLE speaker bits.
const SPEAKER_LOW_FREQUENCY = 0x8;
const SPEAKER_BACK_LEFT = 0x10;
const SPEAKER_BACK_RIGHT = 0x20;
const SPEAKER_SIDE_LEFT = 0x200;
const SPEAKER_SIDE_RIGHT = 0x400;
const SURROUND = 1.41;

/**
 * BS.1770-4 channel weights (linear power gains G_i).
 *
 * With a WAVE_FORMAT_EXTENSIBLE mask: LFE = 0 (excluded); side left/right (about 90 degrees) = 1.41; back
 * left/right = 1.41 when the layout has no side pair (5.1 "back" masks, where they are the surrounds at about
 * 110 degrees) and 1.0 when it has one (7.1, backs at 135-150 degrees, as BS.1770-4 table 3 weights them);
 * every other speaker = 1.0.
 *
 * Without a mask, by channel count in the WAV/SMPTE order: 1 mono (1.0, no dual-mono compensation),
 * 2 L R, 3 L R C, 4 L R Ls Rs, 5 L R C Ls Rs, 6 L R C LFE Ls Rs, 7 L R C LFE Cs Ls Rs,
 * 8 L R C LFE Lb Rb Ls Rs; surrounds 1.41, back/centre-surround 1.0, LFE 0.
 *
 * @example
 * ```ts
 * channelWeights(6); // [1, 1, 1, 0, 1.41, 1.41]
 * ```
 */
export function channelWeights(channels: number, channelMask = 0): number[] {
  if (channelMask !== 0 && popcount(channelMask) >= channels) {
    const hasSides = (channelMask & (SPEAKER_SIDE_LEFT | SPEAKER_SIDE_RIGHT)) !== 0;
    const weights: number[] = [];
    for (let bit = 1; weights.length < channels && bit <= 0x80000000; bit *= 2) {
      if ((channelMask & bit) === 0) continue;
      if (bit === SPEAKER_LOW_FREQUENCY) weights.push(0);
      else if (bit === SPEAKER_SIDE_LEFT || bit === SPEAKER_SIDE_RIGHT) weights.push(SURROUND);
      else if (bit === SPEAKER_BACK_LEFT || bit === SPEAKER_BACK_RIGHT) weights.push(hasSides ? 1 : SURROUND);
      else weights.push(1);
    }
    return weights;
  }
  const byCount: Record<number, number[]> = {
    1: [1],
    2: [1, 1],
    3: [1, 1, 1],
    4: [1, 1, SURROUND, SURROUND],
    5: [1, 1, 1, SURROUND, SURROUND],
    6: [1, 1, 1, 0, SURROUND, SURROUND],
    7: [1, 1, 1, 0, 1, SURROUND, SURROUND],
    8: [1, 1, 1, 0, 1, 1, SURROUND, SURROUND],
  };
  return byCount[channels] ?? Array.from({ length: channels }, () => 1);
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
}
