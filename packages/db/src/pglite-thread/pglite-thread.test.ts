import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messages } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGliteThread, PGliteThreadStoppedError } from './pglite-thread.js';

let pg: PGliteThread;
beforeAll(async () => {
  pg = await PGliteThread.create();
  await pg.exec(
    'create table items (id serial primary key, name text not null unique, data bytea, at timestamptz default now())',
  );
});
afterAll(async () => {
  await pg?.close();
});

describe('PGliteThread', () => {
  it('runs parameterised queries and returns rows as objects or arrays, bytea as bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await pg.query('insert into items (name, data) values ($1, $2)', ['first', bytes]);
    const asObjects = await pg.query('select name, data from items where name = $1', ['first']);
    expect(asObjects.rows).toEqual([{ name: 'first', data: bytes }]);
    const asArrays = await pg.query('select name, data from items where name = $1', ['first'], {
      rowMode: 'array',
    });
    expect(asArrays.rows).toEqual([['first', bytes]]);
    expect(asArrays.fields.map((f) => f.name)).toEqual(['name', 'data']);
  });

  it('sends only the bytes of a view into a larger buffer', async () => {
    const slab = Buffer.alloc(8192, 7);
    slab.set([1, 2, 3], 4000);
    await pg.query('insert into items (name, data) values ($1, $2)', ['view', slab.subarray(4000, 4003)]);
    const { rows } = await pg.query('select data from items where name = $1', ['view']);
    expect(rows).toEqual([{ data: new Uint8Array([1, 2, 3]) }]);
  });

  it("runs the caller's parsers on its own thread, on PostgreSQL's text", async () => {
    const TIMESTAMPTZ = 1184;
    const { rows } = await pg.query('select at from items where name = $1', ['first'], {
      parsers: { [TIMESTAMPTZ]: (text, typeId) => `parsed ${typeId}: ${text.slice(0, 4)}` },
    });
    expect(rows[0]).toEqual({ at: `parsed 1184: ${new Date().getUTCFullYear()}` });
  });

  it('keeps the fields of PostgreSQL errors (code, constraint) and their class', async () => {
    const error = await pg
      .query('insert into items (name) values ($1)', ['first'])
      .then(() => undefined)
      .catch((e: unknown) => e as messages.DatabaseError);
    expect(error).toBeInstanceOf(messages.DatabaseError);
    expect(error).toMatchObject({ code: '23505', constraint: 'items_name_key' });
    expect(error?.message).toMatch(/duplicate key/);
  });

  it('commits a transaction when its callback resolves and rolls it back when it throws', async () => {
    const result = await pg.transaction(async (tx) => {
      await tx.query('insert into items (name) values ($1)', ['committed']);
      return (await tx.query('select count(*)::int as n from items')).rows[0];
    });
    expect(result).toEqual({ n: 3 });
    await expect(
      pg.transaction(async (tx) => {
        await tx.query('insert into items (name) values ($1)', ['rolled back']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await pg.transaction(async (tx) => {
      await tx.query('insert into items (name) values ($1)', ['rolled back too']);
      await tx.rollback();
      expect(tx.closed).toBe(true);
    });
    const { rows } = await pg.query('select name from items order by id');
    expect(rows.map((r) => (r as { name: string }).name)).toEqual(['first', 'view', 'committed']);
  });

  it('holds the database for a transaction: an outside query waits until it ends', async () => {
    const order: string[] = [];
    let outside: Promise<unknown> | undefined;
    await pg.transaction(async (tx) => {
      await tx.query('insert into items (name) values ($1)', ['inside']);
      outside = pg.query('select count(*)::int as n from items').then((r) => {
        order.push('outside');
        return r.rows[0];
      });
      await new Promise((r) => setTimeout(r, 30));
      await tx.query('select 1');
      order.push('transaction');
    });
    expect(await outside).toEqual({ n: 4 });
    expect(order).toEqual(['transaction', 'outside']);
  });

  it('refuses every call after close with PGliteThreadStoppedError', async () => {
    const other = await PGliteThread.create();
    await other.close();
    await expect(other.query('select 1')).rejects.toBeInstanceOf(PGliteThreadStoppedError);
  });

  it('keeps what it wrote in its data directory across a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixroom-pglite-thread-'));
    try {
      const first = await PGliteThread.create(dir);
      await first.exec("create table kept (v text); insert into kept values ('still here')");
      await first.close();
      const second = await PGliteThread.create(dir);
      expect((await second.query('select v from kept')).rows).toEqual([{ v: 'still here' }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
