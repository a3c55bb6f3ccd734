import { accountRoutes as a, sessionRoutes as s, systemRoutes } from '@mixroom/contract';
import { signUp } from '../support/server.js';
import { clientFor, everyone, type MatrixRow, members, signedIn } from './matrix.js';

let n = 0;
const unique = () => `m${process.pid}x${Date.now()}x${++n}@example.com`;

const invite = async (f: Parameters<NonNullable<MatrixRow['setup']>>[0], role: 'artist' | 'viewer') =>
  f.engineer.call(s.createInvite, { params: { id: f.sessionId }, body: { role } });

export const accountAndSessionRows: MatrixRow[] = [
  { route: systemRoutes.health, expect: everyone(200) },
  { route: systemRoutes.ready, expect: everyone(200) },
  // Without METRICS_TOKEN, metrics are served to loopback and private addresses only; tests come from 127.0.0.1.
  { route: systemRoutes.metrics, expect: everyone(200) },
  {
    route: a.signup,
    expect: everyone(201),
    request: () => ({ body: { email: unique(), password: 'a long enough password', displayName: 'New' } }),
  },
  {
    route: a.login,
    expect: everyone(200),
    request: async (f) => {
      const email = unique();
      await clientFor(f, 'anonymous').call(a.signup, {
        body: { email, password: 'a long enough password', displayName: 'L' },
      });
      return { body: { email, password: 'a long enough password' } };
    },
  },
  { route: a.logout, expect: everyone(204), fresh: true },
  { route: a.me, expect: signedIn(200) },
  { route: a.updateMe, expect: signedIn(200), request: () => ({ body: { displayName: 'Renamed' } }) },
  { route: a.createToken, expect: signedIn(201), request: () => ({ body: { name: 'cli' } }) },
  { route: a.listTokens, expect: signedIn(200) },
  {
    route: a.revokeToken,
    // The token belongs to the engineer: anyone else is told it does not exist.
    expect: { engineer: 204, artist: 404, viewer: 404, stranger: 404, anonymous: 401 },
    setup: async (f) => {
      const { accessToken } = await f.engineer.call(a.createToken, { body: { name: 'to revoke' } });
      f.extra.tokenId = accessToken.id;
    },
    request: (f) => ({ params: { id: f.extra.tokenId } }),
  },
  { route: s.createSession, expect: signedIn(201), request: () => ({ body: { title: 'Another song' } }) },
  { route: s.listSessions, expect: signedIn(200) },
  { route: s.getSession, expect: members(200), request: (f) => ({ params: { id: f.sessionId } }) },
  {
    route: s.updateSession,
    expect: members(200, 403, 403),
    request: (f) => ({ params: { id: f.sessionId }, body: { title: 'Renamed' } }),
  },
  {
    route: s.deleteSession,
    expect: members(204, 403, 403),
    fresh: true,
    request: (f) => ({ params: { id: f.sessionId } }),
  },
  { route: s.listMembers, expect: members(200), request: (f) => ({ params: { id: f.sessionId } }) },
  {
    route: s.updateMember,
    expect: members(200, 403, 403),
    request: (f) => ({
      params: { id: f.sessionId, userId: f.viewer.userId },
      body: { requiredApprover: false },
    }),
  },
  {
    route: s.removeMember,
    expect: members(204, 403, 403),
    fresh: true,
    setup: async (f) => {
      const target = await signUp(f.url, 'Target');
      const { token } = await invite(f, 'viewer');
      await target.call(s.acceptInvite, { params: { token }, body: {} });
      f.extra.targetId = target.userId;
    },
    request: (f) => ({ params: { id: f.sessionId, userId: f.extra.targetId } }),
  },
  { route: s.listAudit, expect: members(200, 403, 403), request: (f) => ({ params: { id: f.sessionId } }) },
  {
    route: s.createInvite,
    expect: members(201, 403, 403),
    request: (f) => ({ params: { id: f.sessionId }, body: { role: 'viewer' } }),
  },
  { route: s.listInvites, expect: members(200, 403, 403), request: (f) => ({ params: { id: f.sessionId } }) },
  {
    route: s.revokeInvite,
    expect: members(204, 403, 403),
    setup: async (f) => {
      f.extra.inviteId = (await invite(f, 'viewer')).invite.id;
    },
    request: (f) => ({ params: { id: f.sessionId, inviteId: f.extra.inviteId } }),
  },
  {
    route: s.previewInvite,
    expect: everyone(200),
    setup: async (f) => {
      f.extra.previewToken = (await invite(f, 'viewer')).token;
    },
    request: (f) => ({ params: { token: f.extra.previewToken } }),
  },
  {
    route: s.acceptInvite,
    // Anyone holding a live link may join; members keep their role. Fresh: the stranger joins.
    expect: everyone(200),
    fresh: true,
    setup: async (f) => {
      f.extra.acceptToken = (await invite(f, 'viewer')).token;
    },
    request: (f, who) => ({
      params: { token: f.extra.acceptToken },
      body: who === 'anonymous' ? { displayName: 'G' } : {},
    }),
  },
];
