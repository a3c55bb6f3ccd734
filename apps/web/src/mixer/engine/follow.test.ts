import { describe, expect, it } from 'vitest';
import { followAction, LeaderClock } from './follow';

describe('LeaderClock', () => {
  it('estimates the leader from the least-delayed sample, not the latest', () => {
    const c = new LeaderClock();
    // Leader plays from 10 s at local time 1000 ms; messages arrive 5..40 ms late.
    const delays = [40, 5, 25, 12, 30];
    delays.forEach((d, i) => {
      const sentMs = 1000 + i * 250;
      c.update({ playhead: 10 + (sentMs - 1000) / 1000, playing: true, receivedAtMs: sentMs + d });
    });
    // True position at local 3000 ms is 12.0 s; the estimate is off by the smallest delay (5 ms).
    expect(c.positionAt(3000)).toBeCloseTo(12 - 0.005, 9);
  });

  it('a seek or a pause starts a new estimate; late messages are not a seek back', () => {
    const c = new LeaderClock();
    c.update({ playhead: 10, playing: true, receivedAtMs: 1000 });
    // Two messages held up 400 and 160 ms are not a seek back...
    expect(c.update({ playhead: 10.25, playing: true, receivedAtMs: 1650 })).toBe(false);
    expect(c.update({ playhead: 10.5, playing: true, receivedAtMs: 1660 })).toBe(false);
    expect(c.update({ playhead: 10.75, playing: true, receivedAtMs: 1752 })).toBe(false);
    expect(c.positionAt(1800)).toBeCloseTo(10.8, 9);
    // ...but the quick pair a leader sends after seeking back is.
    expect(c.update({ playhead: 3, playing: true, receivedAtMs: 1900 })).toBe(false);
    expect(c.update({ playhead: 3.08, playing: true, receivedAtMs: 1980 })).toBe(true);
    expect(c.positionAt(2000)).toBeCloseTo(3.1, 9);
    // A seek ahead needs no confirmation (nothing arrives early).
    expect(c.update({ playhead: 40, playing: true, receivedAtMs: 2050 })).toBe(true);
    expect(c.positionAt(2300)).toBeCloseTo(40.25, 9);
    expect(c.update({ playhead: 40.5, playing: false, receivedAtMs: 2300 })).toBe(true);
    expect(c.positionAt(9999)).toBe(40.5);
    expect(c.isPlaying).toBe(false);
  });

  it('without the quick pair, four agreeing samples behind confirm a seek back', () => {
    const c = new LeaderClock();
    for (let i = 0; i < 4; i++) c.update({ playhead: 20 + i * 0.25, playing: true, receivedAtMs: i * 250 });
    const restarts = [0, 1, 2, 3].map((i) =>
      c.update({ playhead: 5 + i * 0.25, playing: true, receivedAtMs: 1000 + i * 250 + (i % 2) * 10 }),
    );
    expect(restarts).toEqual([false, false, false, true]);
    expect(c.positionAt(2000)).toBeCloseTo(6, 9);
  });

  it('is not pulled off by a very late message', () => {
    const c = new LeaderClock();
    for (let i = 0; i < 16; i++) {
      const sentMs = i * 250;
      c.update({ playhead: 1 + sentMs / 1000, playing: true, receivedAtMs: sentMs + (i === 9 ? 140 : 3) });
    }
    expect(Math.abs(c.positionAt(4000) - 5)).toBeLessThan(0.005);
  });

  it('stays within 20 ms of a leader whose clock drifts 0.5 %, through jittery delays', () => {
    // Real audio clocks drift < 0.01 %; two headless Chromium pages here drift up to ~0.5 %.
    for (const rate of [1.005, 0.995, 1.0]) {
      const c = new LeaderClock();
      // Deterministic delays of 2..80 ms; the smallest in every stretch of 8 messages is 2 ms.
      const delay = (i: number) => (i % 8 === 3 ? 2 : 20 + ((i * 37) % 60));
      for (let i = 0; i < 40; i++) {
        const sentMs = 10_000 + i * 250;
        c.update({
          playhead: 5 + ((sentMs - 10_000) / 1000) * rate,
          playing: true,
          receivedAtMs: sentMs + delay(i),
        });
      }
      const nowMs = 10_000 + 40 * 250;
      const truth = 5 + ((nowMs - 10_000) / 1000) * rate;
      expect(Math.abs(c.positionAt(nowMs) - truth), `rate ${rate}`).toBeLessThan(0.02);
    }
  });
});

describe('followAction', () => {
  it('starts, stops and re-seeks only beyond the threshold', () => {
    expect(followAction({ playing: false, position: 0 }, { playing: true, position: 5 })).toEqual({
      type: 'play',
      at: 5,
    });
    expect(followAction({ playing: true, position: 5 }, { playing: false, position: 6 })).toEqual({
      type: 'pause',
      at: 6,
    });
    expect(followAction({ playing: true, position: 5.01 }, { playing: true, position: 5 }).type).toBe('none');
    expect(followAction({ playing: true, position: 5.05 }, { playing: true, position: 5 })).toEqual({
      type: 'seek',
      at: 5,
    });
    expect(followAction({ playing: false, position: 3 }, { playing: false, position: 7 })).toEqual({
      type: 'seek',
      at: 7,
    });
  });
});
