import type { Section } from '@mixroom/mix-model';
import { describe, expect, it } from 'vitest';
import { keyStep, moveWithin, newSectionSlot, resizeWithin, snapTime } from './timeline';

const sec = (id: string, startS: number, endS: number): Section => ({
  id,
  label: id,
  kind: 'verse',
  startS,
  endS,
  intent: '',
});
const song = [sec('a', 0, 10), sec('b', 10, 20), sec('c', 30, 40)];

describe('sections lane maths', () => {
  it('snaps to the beat grid when a tempo is set, else to 10 ms', () => {
    expect(snapTime(10.26, 120)).toBe(10.5);
    expect(snapTime(10.24, 120)).toBe(10);
    expect(snapTime(10.267, null)).toBe(10.27);
    expect(snapTime(-3, 120)).toBe(0);
    expect(keyStep(120, false)).toBe(0.5);
    expect(keyStep(120, true)).toBe(2);
    expect(keyStep(null, false)).toBe(0.1);
  });

  it('moves inside the free space and keeps the length', () => {
    expect(moveWithin(song, 'b', 12.2, 60, 120)).toEqual({ startS: 12, endS: 22 });
    expect(moveWithin(song, 'b', 25, 60, null)).toEqual({ startS: 20, endS: 30 }); // stops at c
    expect(moveWithin(song, 'b', 2, 60, null)).toEqual({ startS: 10, endS: 20 }); // stops at a
    expect(moveWithin(song, 'c', 55, 60, null)).toEqual({ startS: 50, endS: 60 }); // song end
  });

  it('resizes one edge, never below the minimum and never into a neighbour', () => {
    expect(resizeWithin(song, 'b', 'end', 26.3, 60, 120)).toEqual({ startS: 10, endS: 26.5 });
    expect(resizeWithin(song, 'b', 'end', 35, 60, null)).toEqual({ startS: 10, endS: 30 });
    expect(resizeWithin(song, 'b', 'end', 5, 60, null)).toEqual({ startS: 10, endS: 10.5 });
    expect(resizeWithin(song, 'c', 'start', 12, 60, null)).toEqual({ startS: 20, endS: 40 });
    expect(resizeWithin(song, 'c', 'start', 39.9, 60, 60)).toEqual({ startS: 39, endS: 40 }); // one beat min
  });

  it('creates new sections in free space only', () => {
    expect(newSectionSlot(song, 22, 60, null)).toEqual({ startS: 22, endS: 30 });
    expect(newSectionSlot(song, 5, 60, null)).toEqual({ startS: 20, endS: 28 }); // inside a, b: after b
    expect(newSectionSlot(song, 41, 60, 120, 100)).toEqual({ startS: 41, endS: 60 });
    expect(newSectionSlot([sec('x', 0, 60)], 3, 60, null)).toBeNull();
  });
});
