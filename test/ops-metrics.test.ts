import { systemRoutes } from '@mixroom/contract';
import { insertBriefText } from '@mixroom/mix-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../apps/server/src/observability/metrics-endpoint.js';
import { sineWav } from './support/audio-fixtures.js';
import { tusCreate, tusPatch } from './support/media.js';
import { createSessionCast, type SessionCast, startTestServer, type TestServer } from './support/server.js';
import { connectProvider, credentialsOf, waitFor, waitSynced } from './support/sync.js';

/** The value of an unlabelled sample in the Prometheus text format, e.g. value(text, 'mixroom_sse_streams'). */
function value(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('GET /metrics without METRICS_TOKEN (private networks only)', () => {
  let t: TestServer;
  let cast: SessionCast;
  beforeAll(async () => {
    t = await startTestServer();
    cast = await createSessionCast(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is in the contract, so the OpenAPI document and the authorization matrix know it', () => {
    expect(systemRoutes.metrics).toMatchObject({
      method: 'get',
      path: '/metrics',
      auth: 'none',
      status: 200,
    });
  });

  it('serves Prometheus text with process metrics and every Mixroom metric to loopback', async () => {
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'mixroom_http_request_duration_seconds',
      'mixroom_sync_sockets',
      'mixroom_sync_documents_loaded',
      'mixroom_sync_updates_total',
      'mixroom_upload_bytes_total',
      'mixroom_analysis_queue_depth',
      'mixroom_sse_streams',
    ]) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'));
    }
  });

  it('labels request durations with the route pattern, never the raw URL', async () => {
    const res = await cast.engineer.raw('get', `/api/sessions/${cast.sessionId}`);
    expect(res.status).toBe(200);
    await cast.engineer.raw('get', '/api/no-such-thing');
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toContain(
      'mixroom_http_request_duration_seconds_count{method="GET",route="/api/sessions/:id",status="200"} 1',
    );
    expect(text).toContain('route="/api/(unmatched)",status="404"');
    expect(text).not.toContain(cast.sessionId);
  });

  it('answers 403 to a client on the public internet relayed by a trusted proxy', async () => {
    // The test talks to the server over loopback, a trusted proxy: X-Forwarded-For names the real client.
    const outside = await fetch(`${t.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(outside.status).toBe(403);
    expect(((await outside.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const inside = await fetch(`${t.url}/metrics`, { headers: { 'x-forwarded-for': '10.1.2.3' } });
    expect(inside.status).toBe(200);
    // A spoofed private address in front of the real one does not help: the proxy appends the real client.
    const spoofed = await fetch(`${t.url}/metrics`, {
      headers: { 'x-forwarded-for': '10.1.2.3, 203.0.113.7' },
    });
    expect(spoofed.status).toBe(403);
  });

  const scrape = async () => (await fetch(`${t.url}/metrics`)).text();

  it('counts sync sockets, loaded documents and accepted updates', async () => {
    const provider = connectProvider(t.url, cast.sessionId, credentialsOf(cast.engineer));
    try {
      await waitSynced(provider);
      const text = await scrape();
      expect(value(text, 'mixroom_sync_sockets')).toBe(1);
      expect(value(text, 'mixroom_sync_documents_loaded')).toBe(1);
      const before = value(text, 'mixroom_sync_updates_total{origin="connection"}') ?? 0;
      insertBriefText(provider.doc, 0, 'Warm, wide, vocal forward. ');
      await waitFor(
        async () => (value(await scrape(), 'mixroom_sync_updates_total{origin="connection"}') ?? 0) > before,
        'the update to be counted',
      );
    } finally {
      provider.destroy();
    }
    await waitFor(async () => value(await scrape(), 'mixroom_sync_sockets') === 0, 'the socket to be gone');
  });

  it('counts uploaded bytes', async () => {
    const before = value(await scrape(), 'mixroom_upload_bytes_total') ?? 0;
    const wav = sineWav({ seconds: 0.5 });
    const created = await tusCreate(cast.engineer, {
      sessionId: cast.sessionId,
      filename: 'mix.wav',
      length: wav.length,
    });
    expect(created.status).toBe(201);
    const half = Math.floor(wav.length / 2);
    expect((await tusPatch(cast.engineer, created.id as string, 0, wav.subarray(0, half))).status).toBe(204);
    expect(value(await scrape(), 'mixroom_upload_bytes_total')).toBe(before + half);
    expect((await tusPatch(cast.engineer, created.id as string, half, wav.subarray(half))).status).toBe(204);
    expect(value(await scrape(), 'mixroom_upload_bytes_total')).toBe(before + wav.length);
  });

  it('counts open event streams', async () => {
    const before = value(await (await fetch(`${t.url}/metrics`)).text(), 'mixroom_sse_streams');
    const controller = new AbortController();
    const res = await fetch(`${t.url}/api/sessions/${cast.sessionId}/events`, {
      headers: cast.artist.authHeaders(),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(value(await (await fetch(`${t.url}/metrics`)).text(), 'mixroom_sse_streams')).toBe(
      (before ?? 0) + 1,
    );
    controller.abort();
    for (let i = 0; i < 100; i++) {
      if (value(await (await fetch(`${t.url}/metrics`)).text(), 'mixroom_sse_streams') === before) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(value(await (await fetch(`${t.url}/metrics`)).text(), 'mixroom_sse_streams')).toBe(before);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let t: TestServer;
  const token = 'a-metrics-token-for-prometheus';
  beforeAll(async () => {
    t = await startTestServer({ METRICS_TOKEN: token });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('requires the bearer token, even from loopback', async () => {
    const none = await fetch(`${t.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(
      (await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } }))
        .status,
    ).toBe(401);
    const ok = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^mixroom_sync_sockets /m);
  });

  it('accepts it from anywhere', async () => {
    const res = await fetch(`${t.url}/metrics`, {
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.7' },
    });
    expect(res.status).toBe(200);
  });
});

describe('private address ranges', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.5.1', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.20', true],
    ['::ffff:192.168.1.20', true],
    ['fd12:3456::1', true],
    ['fe80::1', true],
    ['8.8.8.8', false],
    ['2001:db8::1', false],
    ['203.0.113.7', false],
    ['', false],
    ['not-an-ip', false],
  ])('%s -> %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});
