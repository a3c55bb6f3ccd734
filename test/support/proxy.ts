import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';

export interface RoundRobinProxy {
  url: string;
  /** Which target served each HTTP request, in order (`METHOD path -> target`). */
  readonly requests: { method: string; path: string; target: string }[];
  /** Which target each websocket upgrade went to, in order. */
  readonly upgrades: { path: string; target: string }[];
  close(): Promise<void>;
}

/**
 * A reverse proxy like the nginx one in docker/: plain round robin over the targets, no stickiness,
 * websocket upgrades passed through, X-Forwarded-For added. HTTP requests and websocket upgrades take
 * turns separately, so a test knows that its first two sockets land on different instances.
 */
export async function startRoundRobinProxy(targets: string[], port = 0): Promise<RoundRobinProxy> {
  const proxy = createProxyServer({ xfwd: true, ws: true });
  let nextHttp = 0;
  let nextWs = 0;
  const requests: RoundRobinProxy['requests'] = [];
  const upgrades: RoundRobinProxy['upgrades'] = [];
  const sockets = new Set<Duplex>();

  proxy.on('error', (_error, _req, resOrSocket) => {
    const res = resOrSocket as { headersSent?: boolean; writeHead?: (s: number) => void; end?: () => void };
    if (res && typeof res.writeHead === 'function' && !res.headersSent) {
      res.writeHead(502);
      res.end?.();
    } else {
      (resOrSocket as Duplex | undefined)?.destroy?.();
    }
  });

  const server: Server = createServer((req, res) => {
    const target = targets[nextHttp++ % targets.length] as string;
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', target });
    proxy.web(req, res, { target });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = targets[nextWs++ % targets.length] as string;
    upgrades.push({ path: req.url ?? '/', target });
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    proxy.ws(req, socket, head, { target });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    upgrades,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      proxy.close();
    },
  };
}
