import { MixroomClient } from '@mixroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLERS, clientFor, type Fixture } from './authz/matrix.js';
import { mediaRows } from './support/media-authz-rows.js';
import { createSessionCast, startTestServer, type TestServer } from './support/server.js';

// The media rows of the authorization matrix, run on their own (the same loop as test/authz-matrix.test.ts).
let t: TestServer;
let shared: Fixture;
beforeAll(async () => {
  t = await startTestServer();
  shared = { ...(await createSessionCast(t.url)), url: t.url, extra: {} };
});
afterAll(async () => {
  await t?.close();
});

describe('authorization of upload, revision and file routes', () => {
  for (const row of mediaRows) {
    it(`${row.route.method.toUpperCase()} ${row.route.path}`, async () => {
      const f: Fixture = row.fresh ? { ...(await createSessionCast(t.url)), url: t.url, extra: {} } : shared;
      await row.setup?.(f);
      for (const who of CALLERS) {
        const parts = (await row.request?.(f, who)) ?? {};
        let path = MixroomClient.path(row.route, parts.params ?? {});
        if (parts.query) path += `?${new URLSearchParams(parts.query)}`;
        const res = await clientFor(f, who).raw(row.route.method, path, {
          body: parts.body,
          headers: parts.headers,
        });
        expect
          .soft(
            res.status,
            `${row.route.method.toUpperCase()} ${row.route.path} as ${who}: ${JSON.stringify(res.body).slice(0, 200)}`,
          )
          .toBe(row.expect[who]);
      }
    });
  }
});
