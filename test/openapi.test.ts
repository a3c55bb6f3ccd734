import { allRoutes } from '@mixroom/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('API documentation', () => {
  it('serves an OpenAPI 3.1 document describing every route with its request schema', async () => {
    const res = await t.anonymous().raw<{
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[] }>>;
    }>('get', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const r of allRoutes) {
      const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = res.body.paths[path]?.[r.method];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      if (r.body) expect(op?.requestBody, `${r.method} ${r.path} body`).toBeDefined();
    }
    const signup = res.body.paths['/api/auth/signup']!.post as {
      requestBody: { content: { 'application/json': { schema: { $ref?: string } } } };
    };
    expect(JSON.stringify(signup.requestBody)).toContain('SignupBody');
  });

  it('serves the interactive documentation page and its assets', async () => {
    const page = await t.anonymous().raw<string>('get', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.body).toContain('swagger-ui-bundle.js');
    const asset = await fetch(`${t.url}/api/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(100_000);
  });

  it('answers malformed JSON and unknown routes with the error envelope', async () => {
    const client = t.anonymous();
    const malformed = await client.raw('post', '/api/auth/login', {
      rawBody: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      error: { code: 'malformed_json', message: 'The request body is not valid JSON.' },
    });
    const huge = await client.raw('post', '/api/auth/login', {
      rawBody: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    const unknown = await client.raw('get', '/api/no-such-thing');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'not_found' } });
  });
});
