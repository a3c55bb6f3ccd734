import { createServer as createTcpServer } from 'node:net';
import { accountRoutes, noteRoutes as n } from '@mixroom/contract';
import { ActivityService } from '@mixroom/server/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverRevision } from './notes-support.js';
import { createSessionCast, startTestServer, type TestServer } from './support/server.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A tiny in-process SMTP sink: accepts every message and keeps it. */
async function smtpSink() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The body of a quoted-printable message (nodemailer's choice for UTF-8 text). */
function bodyOf(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4).replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '=' && /^[0-9A-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(body[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createTcpServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('notification mail', () => {
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let t: TestServer;
  beforeAll(async () => {
    sink = await smtpSink();
    t = await startTestServer({ SMTP_URL: sink.url, MAIL_FROM: 'Mixroom <notes@mixroom.test>' });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('mails a mention to a member with an email address, through SMTP_URL', async () => {
    const c = await createSessionCast(t.url, 'Mail room');
    const rev = await deliverRevision(c.engineer, c.sessionId, { durationS: 5 });
    const activity = t.server.app.get(ActivityService, { strict: false });
    await activity.idle();
    sink.received.length = 0;

    const { note } = await c.engineer.call(n.createNote, {
      params: { id: rev.id },
      body: { atS: 2, body: '@artist the vocal, please' },
    });
    await activity.idle();
    const { user } = await c.artist.call(accountRoutes.me);
    // With Redis fan-out, the earlier "new revision" mail may still land after the sink was cleared: count
    // the mention mails themselves (exactly one, never a duplicate).
    const mentionMails = () =>
      sink.received.filter((m) => m.to.includes(user.email!) && m.raw.includes('mentioned you'));
    for (let i = 0; i < 100 && mentionMails().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await activity.idle();
    const mails = mentionMails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.from).toBe('notes@mixroom.test');
    expect(mails[0]!.raw).toContain('Subject: Mail room: Engineer mentioned you on v1 at 0:02.000');
    const text = bodyOf(mails[0]!.raw);
    expect(text).toContain('“@artist the vocal, please”');
    expect(text).toContain(`/sessions/${c.sessionId}`);
    expect(note.mentions).toEqual([c.artist.userId]);
  });
});

describe('notification mail with an unreachable SMTP server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('still records the note and the in-app notification', async () => {
    const c = await createSessionCast(t.url, 'No mail');
    const rev = await deliverRevision(c.engineer, c.sessionId, { durationS: 5 });
    const { note } = await c.engineer.call(n.createNote, {
      params: { id: rev.id },
      body: { atS: 1, body: '@artist hello' },
    });
    await t.server.app.get(ActivityService, { strict: false }).idle();
    const feed = await c.artist.call(n.listActivity, {});
    expect(feed.items.find((i) => i.type === 'mention')?.noteId).toBe(note.id);
  });
});
