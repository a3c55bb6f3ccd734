import type { RouteDef } from '@mixroom/contract';
import { MixroomClient } from '@mixroom/client';
import type { SessionCast } from '../support/server.js';

export const CALLERS = ['anonymous', 'stranger', 'viewer', 'artist', 'engineer'] as const;
export type Who = (typeof CALLERS)[number];

export interface Fixture extends SessionCast {
  url: string;
  /** Whatever a row's setup made (revision ids, note ids, invite tokens...). */
  extra: Record<string, unknown>;
}

export interface RequestParts {
  params?: Record<string, unknown>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface MatrixRow {
  route: RouteDef;
  /** Expected status for each kind of caller. */
  expect: Record<Who, number>;
  /** Makes what the row needs in the fixture session (runs once per fixture). */
  setup?: (f: Fixture) => Promise<void>;
  /** The request for one caller. Callers run in the order of CALLERS, the engineer last. */
  request?: (f: Fixture, who: Who) => RequestParts | Promise<RequestParts>;
  /** The row changes state (deletes, removals): give it a session of its own. */
  fresh?: boolean;
}

/** Shorthand for the common pattern: members can, outsiders 404, anonymous 401. */
export const members = (engineer: number, artist = engineer, viewer = artist) => ({
  engineer,
  artist,
  viewer,
  stranger: 404,
  anonymous: 401,
});
export const everyone = (status: number) => ({
  engineer: status,
  artist: status,
  viewer: status,
  stranger: status,
  anonymous: status,
});
export const signedIn = (status: number) => ({ ...everyone(status), anonymous: 401 });

/**
 * A throwaway copy of the caller's client: rows like signup, login or invite acceptance set a new session
 * cookie, which must not leak into the shared fixture.
 */
export function clientFor(f: Fixture, who: Who): MixroomClient {
  const client = new MixroomClient({ baseUrl: f.url });
  if (who !== 'anonymous') client.sessionCookie = f[who].sessionCookie;
  return client;
}

export const key = (method: string, path: string) => `${method.toLowerCase()} ${path}`;
