import { allRoutes } from '@mixroom/contract';
import { MixroomClient } from '@mixroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountAndSessionRows } from './authz/accounts-sessions.rows.js';
import { demoRows } from './demo-authz-rows.js';
import { CALLERS, clientFor, type Fixture, key, type MatrixRow } from './authz/matrix.js';
import { noteRows } from './notes-authz-rows.js';
import { mediaRows } from './support/media-authz-rows.js';
import { listExposedRoutes } from './support/routes.js';
import { createSessionCast, startTestServer, type TestServer } from './support/server.js';

/** One table: every route x {engineer, artist, viewer, stranger, anonymous} -> expected status. */
const rows: MatrixRow[] = [...accountAndSessionRows, ...demoRows, ...mediaRows, ...noteRows];

/** Served outside the JSON API (documentation assets, the web client's fallback). */
const NOT_API = [/^get \/api\/docs/, /^get \/api\/openapi\.json$/, /^get \//];
const isApiRoute = (k: string) =>
  !NOT_API.some((re) => re.test(k)) || /^get \/(api\/(?!docs|openapi)|health|ready)/.test(k);

let t: TestServer;
let shared: Fixture;
beforeAll(async () => {
  t = await startTestServer();
  shared = { ...(await createSessionCast(t.url)), url: t.url, extra: {} };
});
afterAll(async () => {
  await t?.close();
});

describe('authorization matrix', () => {
  it('covers every route the server exposes, and every route of the contract', () => {
    const table = new Set(rows.map((r) => key(r.route.method, r.route.path)));
    const exposed = listExposedRoutes(t.server)
      .map((r) => key(r.method, r.path))
      .filter(isApiRoute);
    expect(exposed.length).toBeGreaterThan(10);
    expect(
      exposed.filter((k) => !table.has(k)),
      'routes the server exposes that the matrix lacks',
    ).toEqual([]);
    const contract = allRoutes.map((r) => key(r.method, r.path));
    expect(
      contract.filter((k) => !table.has(k)),
      'contract routes the matrix lacks',
    ).toEqual([]);
    expect(rows.length).toBe(table.size);
  });

  for (const row of rows) {
    it(`${row.route.method.toUpperCase()} ${row.route.path}`, async () => {
      const f: Fixture = row.fresh ? { ...(await createSessionCast(t.url)), url: t.url, extra: {} } : shared;
      await row.setup?.(f);
      for (const who of CALLERS) {
        const parts = (await row.request?.(f, who)) ?? {};
        let path = MixroomClient.path(row.route, parts.params ?? {});
        if (parts.query) path += `?${new URLSearchParams(parts.query)}`;
        const client = clientFor(f, who);
        const res = await client.raw(row.route.method, path, { body: parts.body, headers: parts.headers });
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
