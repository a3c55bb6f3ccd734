import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { Express, Request } from 'express';
import { errorBody } from '../common/error.filter.js';
import type { Metrics } from './metrics.js';

export const METRICS_PATH = '/metrics';

const privateNetworks = new BlockList();
for (const [net, prefix] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
  ['100.64.0.0', 10], // carrier-grade NAT, e.g. Tailscale
] as const) {
  privateNetworks.addSubnet(net, prefix, 'ipv4');
}
privateNetworks.addAddress('::1', 'ipv6');
privateNetworks.addSubnet('fc00::', 7, 'ipv6'); // unique local
privateNetworks.addSubnet('fe80::', 10, 'ipv6'); // link local

/** Loopback, RFC 1918, link-local, CGNAT and IPv6 unique-local addresses (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIPv4(v4)) return privateNetworks.check(v4, 'ipv4');
  if (isIPv6(address)) return privateNetworks.check(address, 'ipv6');
  return false;
}

function bearerMatches(req: Request, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1].trim());
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * GET /metrics (Prometheus text format). With METRICS_TOKEN set it requires `Authorization: Bearer <token>`
 * (401 otherwise); without it, only clients on private networks get an answer (403 for the public internet).
 * The client address is `req.ip`, which honours X-Forwarded-For only from trusted (private) proxies, so a
 * request relayed by the public-facing proxy counts as the outside client it came from.
 * Mounted on express ahead of Nest, because the API's guard would read the bearer as a personal access token.
 */
export function mountMetrics(app: Express, metrics: Metrics, token: string | undefined): void {
  app.get(METRICS_PATH, async (req, res, next) => {
    try {
      if (token) {
        if (!bearerMatches(req, token)) {
          res
            .status(401)
            .set('WWW-Authenticate', 'Bearer realm="metrics"')
            .json(errorBody(401, 'unauthenticated', 'Metrics need the METRICS_TOKEN bearer token.'));
          return;
        }
      } else if (!isPrivateAddress(req.ip)) {
        res
          .status(403)
          .json(
            errorBody(
              403,
              'forbidden',
              'Metrics are served to private networks only; set METRICS_TOKEN to scrape them from elsewhere.',
            ),
          );
        return;
      }
      const { contentType, body } = await metrics.render();
      res.status(200).set('Content-Type', contentType).set('Cache-Control', 'no-store').send(body);
    } catch (error) {
      next(error);
    }
  });
}
