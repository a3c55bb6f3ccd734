import { accountRoutes, sessionRoutes } from '@mixroom/contract';
import { ApiError, MixroomClient } from '@mixroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from './support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
}

describe('the invite flow', () => {
  it('an engineer invites an artist who joins as a guest with a display name only', async () => {
    const engineer = await signUp(t.url, 'Engineer');
    const { session } = await engineer.call(sessionRoutes.createSession, {
      body: { title: 'Night Drive', artistName: 'Ada' },
    });
    const created = await engineer.call(sessionRoutes.createInvite, {
      params: { id: session.id },
      body: { role: 'artist' },
    });
    expect(created.url).toBe(`${t.config.publicUrl}/invite/${created.token}`);
    expect(created.token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url

    const guest = t.anonymous();
    const preview = await guest.call(sessionRoutes.previewInvite, { params: { token: created.token } });
    expect(preview).toMatchObject({ sessionTitle: 'Night Drive', role: 'artist', invitedBy: 'Engineer' });

    const joined = await guest.call(sessionRoutes.acceptInvite, {
      params: { token: created.token },
      body: { displayName: 'Ada' },
    });
    expect(joined.user).toMatchObject({ displayName: 'Ada', isGuest: true, email: null });
    expect(guest.sessionCookie).toBeTruthy();
    const me = await guest.call(accountRoutes.me);
    expect(me.user.id).toBe(joined.user.id);

    const { members } = await engineer.call(sessionRoutes.listMembers, { params: { id: session.id } });
    expect(members.map((m) => [m.displayName, m.role, m.requiredApprover])).toEqual([
      ['Engineer', 'engineer', false],
      ['Ada', 'artist', true],
    ]);

    // The guest later completes the account and can sign in with it.
    await guest.call(accountRoutes.updateMe, {
      body: { email: 'ada@example.com', password: 'ada has a password' },
    });
    const again = new MixroomClient({ baseUrl: t.url });
    const login = await again.call(accountRoutes.login, {
      body: { email: 'ADA@example.com', password: 'ada has a password' },
    });
    expect(login.user).toMatchObject({ id: joined.user.id, isGuest: false });

    const { events } = await engineer.call(sessionRoutes.listAudit, { params: { id: session.id } });
    expect(events.map((e) => e.action)).toEqual(['session.created', 'invite.created', 'member.joined']);
  });

  it('without a display name an anonymous acceptance is refused with a field error and nothing is used', async () => {
    const engineer = await signUp(t.url, 'Engineer');
    const { session } = await engineer.call(sessionRoutes.createSession, { body: { title: 'S' } });
    const { token, invite } = await engineer.call(sessionRoutes.createInvite, {
      params: { id: session.id },
      body: { role: 'viewer', maxUses: 1 },
    });
    const error = await t
      .anonymous()
      .call(sessionRoutes.acceptInvite, { params: { token }, body: {} })
      .catch((e: ApiError) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).details).toEqual([expect.objectContaining({ field: 'body.displayName' })]);
    const { invites } = await engineer.call(sessionRoutes.listInvites, { params: { id: session.id } });
    expect(invites.find((i) => i.id === invite.id)?.uses).toBe(0);
  });

  it('expired, revoked and used-up invites answer 410; unknown tokens 404', async () => {
    const engineer = await signUp(t.url, 'Engineer');
    const { session } = await engineer.call(sessionRoutes.createSession, { body: { title: 'S' } });
    const make = (body: Parameters<typeof engineer.call<typeof sessionRoutes.createInvite>>[1]['body']) =>
      engineer.call(sessionRoutes.createInvite, { params: { id: session.id }, body });

    const expired = await make({ role: 'artist', expiresInHours: 0.0001 });
    await new Promise((r) => setTimeout(r, 400)); // 0.36 s lifetime
    const revoked = await make({ role: 'artist' });
    await engineer.call(sessionRoutes.revokeInvite, {
      params: { id: session.id, inviteId: revoked.invite.id },
    });
    const single = await make({ role: 'artist', maxUses: 1 });
    await (await signUp(t.url, 'First')).call(sessionRoutes.acceptInvite, {
      params: { token: single.token },
      body: {},
    });

    const outsider = t.anonymous();
    const accept = (token: string) =>
      outsider.call(sessionRoutes.acceptInvite, { params: { token }, body: { displayName: 'Late' } });
    expect(await status(accept(expired.token))).toBe(410);
    expect(await status(accept(revoked.token))).toBe(410);
    expect(await status(accept(single.token))).toBe(410);
    expect(await status(accept('not-a-real-token-at-all'))).toBe(404);
    expect(
      await status(outsider.call(sessionRoutes.previewInvite, { params: { token: revoked.token } })),
    ).toBe(410);
  });

  it('concurrent acceptances never exceed maxUses', async () => {
    const engineer = await signUp(t.url, 'Engineer');
    const { session } = await engineer.call(sessionRoutes.createSession, { body: { title: 'S' } });
    const { token } = await engineer.call(sessionRoutes.createInvite, {
      params: { id: session.id },
      body: { role: 'viewer', maxUses: 2 },
    });
    const joiners = await Promise.all([1, 2, 3, 4, 5].map((i) => signUp(t.url, `J${i}`)));
    const results = await Promise.all(
      joiners.map((j) => status(j.call(sessionRoutes.acceptInvite, { params: { token }, body: {} }))),
    );
    expect(results.filter((s) => s === 200)).toHaveLength(2);
    expect(results.filter((s) => s === 410)).toHaveLength(3);
    const { members } = await engineer.call(sessionRoutes.listMembers, { params: { id: session.id } });
    expect(members).toHaveLength(3);
  });

  it('a removed member loses access on the very next request, and a revoked invite cannot be used', async () => {
    const engineer = await signUp(t.url, 'Engineer');
    const { session } = await engineer.call(sessionRoutes.createSession, { body: { title: 'S' } });
    const { token } = await engineer.call(sessionRoutes.createInvite, {
      params: { id: session.id },
      body: { role: 'artist' },
    });
    const artist = await signUp(t.url, 'Artist');
    await artist.call(sessionRoutes.acceptInvite, { params: { token }, body: {} });
    expect(await status(artist.call(sessionRoutes.getSession, { params: { id: session.id } }))).toBe(200);
    await engineer.call(sessionRoutes.removeMember, { params: { id: session.id, userId: artist.userId } });
    expect(await status(artist.call(sessionRoutes.getSession, { params: { id: session.id } }))).toBe(404);
    const { events } = await engineer.call(sessionRoutes.listAudit, { params: { id: session.id } });
    expect(events.at(-1)).toMatchObject({ action: 'member.removed', actorId: engineer.userId });
  });

  it('the last engineer cannot be demoted or leave', async () => {
    const engineer = await signUp(t.url, 'Engineer');
    const { session } = await engineer.call(sessionRoutes.createSession, { body: { title: 'S' } });
    const demote = engineer.call(sessionRoutes.updateMember, {
      params: { id: session.id, userId: engineer.userId },
      body: { role: 'artist' },
    });
    expect(await status(demote)).toBe(409);
    const leave = engineer.call(sessionRoutes.removeMember, {
      params: { id: session.id, userId: engineer.userId },
    });
    expect(await status(leave)).toBe(409);
  });
});

describe('accounts', () => {
  it('the fifth wrong password within the window is answered 429 with Retry-After, even for the right one after', async () => {
    const user = await signUp(t.url, 'Victim');
    const me = await user.call(accountRoutes.me);
    const attacker = t.anonymous();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await attacker.raw('post', '/api/auth/login', {
        body: { email: me.user.email, password: `wrong password ${i}` },
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const right = await attacker.raw('post', '/api/auth/login', {
      body: { email: me.user.email, password: 'a long enough password' },
    });
    expect(right.status).toBe(429);
  });

  it('stores only hashes: no session, token or password appears in plain text in the database', async () => {
    const user = await signUp(t.url, 'Careful');
    const { token } = await user.call(accountRoutes.createToken, { body: { name: 'cli' } });
    expect(token.startsWith('mxr_')).toBe(true);
    const dump = JSON.stringify(
      await Promise.all(
        ['users', 'auth_sessions', 'access_tokens', 'invites'].map((table) =>
          t.database.db.execute(`select * from ${table}` as never),
        ),
      ),
    );
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(user.sessionCookie!);
    expect(dump).not.toContain('a long enough password');
    expect(dump).toMatch(/\$argon2id\$/);

    const bearer = new MixroomClient({ baseUrl: t.url, token, cookies: false });
    expect((await bearer.call(accountRoutes.me)).user.id).toBe(user.userId);
    const [listed] = (await user.call(accountRoutes.listTokens)).tokens;
    await user.call(accountRoutes.revokeToken, { params: { id: listed!.id } });
    expect(await status(bearer.call(accountRoutes.me))).toBe(401);
  });

  it('sets an httpOnly SameSite=Lax cookie and clears it on logout', async () => {
    const client = t.anonymous();
    const res = await client.raw('post', '/api/auth/signup', {
      body: { email: `c${Date.now()}@example.com`, password: 'a long enough password', displayName: 'C' },
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('mixroom_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect((await client.raw('post', '/api/auth/logout')).status).toBe(204);
    expect((await client.raw('get', '/api/me')).status).toBe(401);
  });

  it('rejects duplicate emails case-insensitively with 409', async () => {
    const email = `dup${Date.now()}@example.com`;
    await t
      .anonymous()
      .call(accountRoutes.signup, { body: { email, password: 'a long enough password', displayName: 'A' } });
    const res = await t.anonymous().raw('post', '/api/auth/signup', {
      body: { email: email.toUpperCase(), password: 'a long enough password', displayName: 'B' },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'email_taken' } });
  });
});
