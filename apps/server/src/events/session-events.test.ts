import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../config/config.js';
import { EventLog } from './event-log.js';
import { EventIds, type SessionEvent, SessionEvents } from './session-events.js';
import { frameOf } from './sse-frame.js';

const increasing = (ids: number[]) => ids.every((id, i) => i === 0 || id > ids[i - 1]!);

describe('event ids without Redis', () => {
  it('are clock-based and strictly increasing per session, even within one millisecond', () => {
    const ids = new EventIds(null, 'x:');
    const before = Date.now() * 1000;
    const a = Array.from({ length: 500 }, () => ids.local('s1'));
    expect(increasing(a)).toBe(true);
    expect(a[0]!).toBeGreaterThanOrEqual(before);
    // A restarted process (a fresh counter) still issues ids above the old ones.
    const restarted = new EventIds(null, 'x:');
    expect(restarted.local('s1')).toBeGreaterThan(a.at(-1)! - 1000 * 1000);
  });

  it('are set synchronously and delivered in publish order', () => {
    const events = new SessionEvents();
    const seen: SessionEvent[] = [];
    events.subscribe('s', (e) => seen.push(e));
    const published = [1, 2, 3].map((i) => events.publish('s', 'note.created', { i }));
    expect(published.every((e) => e.id)).toBe(true);
    expect(seen.map((e) => e.data.i)).toEqual([1, 2, 3]);
    expect(increasing(seen.map((e) => Number(e.id)))).toBe(true);
  });
});

describe('the event log (ring buffer)', () => {
  it('replays after an id, keeps ids sorted, and reports when events were dropped', () => {
    const events = new SessionEvents();
    const log = new EventLog(events);
    log.limits.perSession = 3;
    const e = (id: number): SessionEvent => ({ id: String(id), sessionId: 's', type: 't', data: {}, at: '' });
    const base = Date.now() * 1000 + 1_000_000;
    for (const id of [base + 1, base + 3, base + 2]) log.record(e(id));
    expect(log.replay('s', base + 1)).toEqual({ complete: true, events: [e(base + 2), e(base + 3)] });
    log.record(e(base + 4)); // drops base+1
    expect(log.replay('s', base + 1).complete).toBe(true);
    log.record(e(base + 5)); // drops base+2: a client at base+1 missed it
    expect(log.replay('s', base + 1)).toMatchObject({ complete: false });
    expect(log.replay('s', base + 2)).toEqual({
      complete: true,
      events: [e(base + 3), e(base + 4), e(base + 5)],
    });
    // Ids from before this process started are unknown to it.
    expect(log.replay('other', 5).complete).toBe(false);
    expect(log.replay('other', Date.now() * 1000 + 10).complete).toBe(true);
  });
});

describe('the event log memory budget', () => {
  it('shrinks the least recently active sessions first and reports their gaps', () => {
    const log = new EventLog(new SessionEvents());
    const base = Date.now() * 1000 + 1_000_000;
    const e = (sessionId: string, id: number): SessionEvent => ({
      id: String(id),
      sessionId,
      type: 'note.created',
      data: { body: 'x'.repeat(1000) },
      at: '',
    });
    log.limits.totalChars = 5 * frameOf(e('busy', base)).length + 10; // five events
    log.record(e('quiet', base + 1));
    log.record(e('quiet', base + 2));
    for (let i = 0; i < 4; i++) log.record(e('busy', base + 10 + i));
    // 'quiet' was least recently active: it lost its oldest event first.
    expect(log.replay('quiet', base + 1)).toMatchObject({ complete: true, events: [e('quiet', base + 2)] });
    expect(log.replay('quiet', base).complete).toBe(false);
    expect(log.replay('busy', base + 9).events).toHaveLength(4);
    log.record(e('busy', base + 14));
    // Now 'quiet' is forgotten altogether; 'busy' keeps everything that fits.
    expect(log.replay('quiet', base + 1).complete).toBe(false);
    expect(log.replay('busy', base + 9)).toMatchObject({ complete: true });
    expect(log.replay('busy', base + 9).events).toHaveLength(5);
  });
});

// Runs when the suite is pointed at a Redis (TEST_REDIS_URL), like the other multi-instance suites.
const redisUrl = process.env.TEST_REDIS_URL;
if (redisUrl) {
  describe('event ids with Redis', () => {
    const clients: Redis[] = [];
    const prefix = `mixroom-test-${randomBytes(4).toString('hex')}:`;
    const redis = () => {
      const r = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
      clients.push(r);
      return r;
    };
    afterAll(async () => {
      for (const r of clients) await r.quit();
    });

    it('two instances drawing ids for one session get unique, strictly increasing ids', async () => {
      const a = new EventIds(redis(), prefix);
      const b = new EventIds(redis(), prefix);
      const drawn: number[] = [];
      for (let i = 0; i < 50; i++) drawn.push(await (i % 2 ? a : b).next('s1'));
      expect(increasing(drawn)).toBe(true);
      const concurrent = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).next('s1')));
      expect(new Set(concurrent).size).toBe(100);
      expect(Math.min(...concurrent)).toBeGreaterThan(drawn.at(-1)!);
    });

    it('ids stay increasing after the counter key disappears (Redis restarted empty)', async () => {
      const r = redis();
      const ids = new EventIds(r, prefix);
      const before = await ids.next('s2');
      await r.del(`${prefix}events:seq:s2`);
      expect(await ids.next('s2')).toBeGreaterThan(before);
    });

    it('SessionEvents keeps publish order per session while ids come from Redis', async () => {
      const config = { redisPrefix: prefix } as Config;
      const events = new SessionEvents(redis(), config);
      const seen: SessionEvent[] = [];
      events.subscribe('s3', (e) => seen.push(e));
      const published = Array.from({ length: 20 }, (_, i) => events.publish('s3', 'note.created', { i }));
      await events.publishAndWait('s3', 'note.created', { i: 20 });
      expect(seen.map((e) => e.data.i)).toEqual(Array.from({ length: 21 }, (_, i) => i));
      expect(increasing(seen.map((e) => Number(e.id)))).toBe(true);
      expect(published.every((e) => e.id)).toBe(true);
    });
  });
}
