/**
 * BS.1770 loudness of a K-weighted, channel-weighted mean square: L = -0.691 + 10 log10(z); -Infinity for 0.
 *
 * @example
 * ```ts
 * powerToLufs(10 ** ((-23 + 0.691) / 10)); // -23
 * ```
 */
export function powerToLufs(z: number): number {
  return z > 0 ? -0.691 + 10 * Math.log10(z) : Number.NEGATIVE_INFINITY;
}

/** Mean square that reads -70 LUFS: the absolute gate of BS.1770-4 and Tech 3342. */
export const ABSOLUTE_GATE_POWER = 10 ** ((-70 + 0.691) / 10);

/**
 * BS.1770-4 gated mean power of 400 ms block powers `z[from..to)`: blocks above -70 LUFS, then above
 * (their mean's loudness - `relativeGateLu`). Returns 0 when no block passes.
 *
 * @example
 * ```ts
 * const integratedLufs = powerToLufs(gatedMeanPower(blockPowers, 0, blockPowers.length));
 * ```
 */
export function gatedMeanPower(z: ArrayLike<number>, from: number, to: number, relativeGateLu = 10): number {
  let sum = 0;
  let count = 0;
  for (let i = from; i < to; i++) {
    const v = z[i]!;
    if (v > ABSOLUTE_GATE_POWER) {
      sum += v;
      count++;
    }
  }
  if (count === 0) return 0;
  const relGate = (sum / count) * 10 ** (-relativeGateLu / 10);
  let gated = 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    const v = z[i]!;
    if (v > ABSOLUTE_GATE_POWER && v > relGate) {
      gated += v;
      n++;
    }
  }
  return n > 0 ? gated / n : 0;
}

/**
 * EBU Tech 3342 loudness range from short-term (3 s) powers: absolute gate -70 LUFS, relative gate -20 LU
 * below the mean of those, then the 95th minus the 10th percentile (nearest rank, as libebur128). 0 when no
 * value passes the gates.
 *
 * @example
 * ```ts
 * const lraLu = loudnessRange(shortTermPowers, shortTermPowers.length);
 * ```
 */
export function loudnessRange(z: ArrayLike<number>, count: number): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const v = z[i]!;
    if (v > ABSOLUTE_GATE_POWER) {
      sum += v;
      n++;
    }
  }
  if (n === 0) return 0;
  const relGate = (sum / n) * 10 ** (-20 / 10);
  const kept = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < count; i++) {
    const v = z[i]!;
    if (v > ABSOLUTE_GATE_POWER && v > relGate) kept[k++] = v;
  }
  if (k === 0) return 0;
  const sorted = kept.subarray(0, k).sort();
  const lo = sorted[Math.floor((k - 1) * 0.1 + 0.5)]!;
  const hi = sorted[Math.floor((k - 1) * 0.95 + 0.5)]!;
  const range = powerToLufs(hi) - powerToLufs(lo);
  // A steady signal gives a few 1e-15 of rounding noise; report it as the 0 it is.
  return range < 1e-9 ? 0 : range;
}
