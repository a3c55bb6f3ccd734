import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DatabaseHandle, migrationsFolder, resultRows, users } from '@mixroom/db';
import { UsersRepository, SessionsRepository } from '@mixroom/server/testing';
import { sql } from 'drizzle-orm';
import { pgTable, serial } from 'drizzle-orm/pg-core';
import { bytea } from '@mixroom/db';
import { beforeAll, expect, it } from 'vitest';

const blobs = pgTable('contract_blobs', { id: serial('id').primaryKey(), data: bytea('data').notNull() });

export function accountsAndSessionsContract(handle: () => DatabaseHandle) {
  let usersRepo: UsersRepository;
  let sessionsRepo: SessionsRepository;
  beforeAll(() => {
    usersRepo = new UsersRepository(handle().db);
    sessionsRepo = new SessionsRepository(handle().db);
  });

  const user = (name: string) =>
    usersRepo.create({ displayName: name, email: `${name.toLowerCase()}.${Math.random()}@example.com` });

  it('migrations are idempotent: running them again applies nothing twice', async () => {
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
    await handle().migrate();
    await handle().migrate();
    const result = await handle().db.execute(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    const rows = resultRows<{ n: number }>(result);
    expect(rows[0]!.n).toBe(journal.entries.length);
  });

  it('bytea round-trips every byte value as a Uint8Array', async () => {
    await handle().db.execute(
      sql`create table if not exists contract_blobs (id serial primary key, data bytea not null)`,
    );
    const data = new Uint8Array(512).map((_, i) => i % 256);
    const [inserted] = await handle().db.insert(blobs).values({ data }).returning();
    const [read] = await handle().db.select().from(blobs).where(sql`id = ${inserted!.id}`);
    expect(read!.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(read!.data)).toBe(false);
    expect(Array.from(read!.data)).toEqual(Array.from(data));
  });

  it('finds users by email and rejects a duplicate email', async () => {
    const u = await user('Dup');
    expect((await usersRepo.findByEmail(u.email!))?.id).toBe(u.id);
    await expect(usersRepo.create({ displayName: 'x', email: u.email })).rejects.toThrow();
  });

  it('auth sessions resolve until they expire or are deleted', async () => {
    const u = await user('Sess');
    await usersRepo.createAuthSession(u.id, 'live-hash', new Date(Date.now() + 60_000));
    await usersRepo.createAuthSession(u.id, 'old-hash', new Date(Date.now() - 1));
    expect((await usersRepo.findByAuthSession('live-hash'))?.user.id).toBe(u.id);
    expect(await usersRepo.findByAuthSession('old-hash')).toBeUndefined();
    await usersRepo.deleteAuthSession('live-hash');
    expect(await usersRepo.findByAuthSession('live-hash')).toBeUndefined();
  });

  it('revoked access tokens no longer resolve, and only their owner can revoke them', async () => {
    const owner = await user('Owner');
    const other = await user('Other');
    const token = await usersRepo.createAccessToken(owner.id, 'cli', 'token-hash-1');
    expect(await usersRepo.revokeAccessToken(other.id, token.id)).toBe(false);
    expect((await usersRepo.findByAccessToken('token-hash-1'))?.user.id).toBe(owner.id);
    expect(await usersRepo.revokeAccessToken(owner.id, token.id)).toBe(true);
    expect(await usersRepo.findByAccessToken('token-hash-1')).toBeUndefined();
  });

  it('a new session has its creator as engineer and an audit entry', async () => {
    const u = await user('Eng');
    const session = await sessionsRepo.createWithEngineer({ title: 'Song', createdBy: u.id });
    expect((await sessionsRepo.findMembership(session.id, u.id))?.role).toBe('engineer');
    expect((await sessionsRepo.listAudit(session.id)).map((e) => e.action)).toEqual(['session.created']);
    expect(await sessionsRepo.countEngineers(session.id)).toBe(1);
  });

  it('redeeming an invite respects maxUses under concurrency and refuses revoked or expired invites', async () => {
    const eng = await user('Eng2');
    const session = await sessionsRepo.createWithEngineer({ title: 'S', createdBy: eng.id });
    const invite = await sessionsRepo.createInvite({
      sessionId: session.id,
      tokenHash: `inv-${Math.random()}`,
      role: 'viewer',
      createdBy: eng.id,
      expiresAt: new Date(Date.now() + 60_000),
      maxUses: 2,
    });
    const joiners = await Promise.all([1, 2, 3, 4].map((i) => user(`J${i}`)));
    const results = await Promise.all(
      joiners.map((j) => sessionsRepo.redeemInvite(invite.id, j.id, 'viewer')),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    expect((await sessionsRepo.listMembers(session.id)).length).toBe(3);

    const expired = await sessionsRepo.createInvite({
      sessionId: session.id,
      tokenHash: `exp-${Math.random()}`,
      role: 'viewer',
      createdBy: eng.id,
      expiresAt: new Date(Date.now() - 1000),
    });
    expect((await sessionsRepo.redeemInvite(expired.id, joiners[3]!.id, 'viewer')).ok).toBe(false);
    const revoked = await sessionsRepo.createInvite({
      sessionId: session.id,
      tokenHash: `rev-${Math.random()}`,
      role: 'viewer',
      createdBy: eng.id,
      expiresAt: new Date(Date.now() + 60_000),
    });
    await sessionsRepo.revokeInvite(session.id, revoked.id);
    expect((await sessionsRepo.redeemInvite(revoked.id, joiners[3]!.id, 'viewer')).ok).toBe(false);
  });

  it('deleting a session removes its members, invites and audit trail', async () => {
    const eng = await user('Eng3');
    const session = await sessionsRepo.createWithEngineer({ title: 'Gone', createdBy: eng.id });
    await sessionsRepo.audit(session.id, eng.id, 'test.event');
    await sessionsRepo.delete(session.id);
    expect(await sessionsRepo.findById(session.id)).toBeUndefined();
    expect(await sessionsRepo.listMembers(session.id)).toEqual([]);
    expect(await sessionsRepo.listAudit(session.id)).toEqual([]);
    const [stillThere] = await handle().db.select().from(users).where(sql`id = ${eng.id}`);
    expect(stillThere?.id).toBe(eng.id);
  });
}
