import type { RouteDef } from '@mixroom/contract';
import type { Request, RequestHandler, Response } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

type GaugeName = 'syncSockets' | 'loadedDocuments' | 'analysisQueueDepth' | 'sseStreams';

/**
 * Prometheus metrics of one server instance (its own registry, so several servers in one process — tests —
 * never mix their numbers). Feature code injects it (`@Optional() @Inject(Metrics)`) and reports with one
 * call: `metrics?.sseStreams.inc()/.dec()`, or `metrics?.observe('analysisQueueDepth', () => queue.length)`
 * for a value read at scrape time. Request durations and upload bytes are counted by the HTTP middleware.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'mixroom_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly syncSockets = this.gauge(
    'mixroom_sync_sockets',
    'Connected sync (y-websocket) sockets',
    'syncSockets',
  );
  readonly loadedDocuments = this.gauge(
    'mixroom_sync_documents_loaded',
    'Shared mix documents loaded in memory',
    'loadedDocuments',
  );
  readonly syncUpdates = new Counter({
    name: 'mixroom_sync_updates_total',
    help:
      'Shared-document updates made live, by origin: connection (a client of this instance), ' +
      'redis (another instance), server (rate() = updates per second)',
    labelNames: ['origin'] as const,
    registers: [this.registry],
  });
  readonly uploadBytes = new Counter({
    name: 'mixroom_upload_bytes_total',
    help: 'Audio bytes accepted by resumable upload requests (tus PATCH, or POST with data)',
    registers: [this.registry],
  });
  readonly analysisQueueDepth = this.gauge(
    'mixroom_analysis_queue_depth',
    'Audio analysis jobs waiting or running',
    'analysisQueueDepth',
  );
  readonly sseStreams = this.gauge('mixroom_sse_streams', 'Open server-sent event streams', 'sseStreams');

  private readonly readers = new Map<GaugeName, (() => number)[]>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Reads a gauge's value from `read` whenever metrics are scraped (several readers are summed). A gauge
   * with readers ignores inc()/dec().
   */
  observe(name: GaugeName, read: () => number): void {
    const list = this.readers.get(name) ?? [];
    list.push(read);
    this.readers.set(name, list);
  }

  /** Prometheus text exposition of every metric of this instance. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * Express middleware timing every request. The `route` label is the contract's route pattern
   * (`/api/sessions/:id`), never the raw URL, so label cardinality stays bounded.
   */
  httpMiddleware(routes: readonly RouteDef[]): RequestHandler {
    const patterns = compileRoutes(routes);
    return (req, res, next) => {
      const end = this.httpDuration.startTimer();
      res.on('finish', () => {
        const route = routePattern(patterns, req.method, req.path);
        end({ method: req.method, route, status: res.statusCode });
        if (route.startsWith('/api/uploads') && res.statusCode < 300) this.countUploadBytes(req, res);
      });
      next();
    };
  }

  /** tus answers every write with the new Upload-Offset; the request carried the one it started from. */
  private countUploadBytes(req: Request, res: Response): void {
    if (req.method !== 'PATCH' && req.method !== 'POST') return;
    const after = Number(res.getHeader('upload-offset'));
    const before = req.method === 'POST' ? 0 : Number(req.headers['upload-offset']);
    if (Number.isFinite(after) && Number.isFinite(before) && after > before)
      this.uploadBytes.inc(after - before);
  }

  private gauge(name: string, help: string, key: GaugeName): Gauge {
    const readers = () => this.readers.get(key);
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        const list = readers();
        if (list?.length) this.set(list.reduce((sum, read) => sum + read(), 0));
      },
    });
  }
}

interface CompiledRoute {
  method: string;
  path: string;
  re: RegExp;
}

function compileRoutes(routes: readonly RouteDef[]): CompiledRoute[] {
  const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (
    routes
      .map((r) => ({
        method: r.method.toUpperCase(),
        path: r.path,
        re: new RegExp(
          `^${r.path
            .split('/')
            .map((part) => (part.startsWith(':') ? '[^/]+' : escapeRe(part)))
            .join('/')}/?$`,
        ),
      }))
      // Literal segments win over parameters: `/api/me/tokens` before `/api/me/:x`.
      .sort(
        (a, b) => (b.path.match(/\/[^:/][^/]*/g)?.length ?? 0) - (a.path.match(/\/[^:/][^/]*/g)?.length ?? 0),
      )
  );
}

export function routePattern(patterns: CompiledRoute[], method: string, path: string): string {
  const fits = (r: CompiledRoute) =>
    r.method === method || method === 'OPTIONS' || (method === 'HEAD' && r.method === 'GET');
  for (const r of patterns) if (r.method === method && r.re.test(path)) return r.path;
  for (const r of patterns) if (fits(r) && r.re.test(path)) return r.path;
  if (path.startsWith('/api/')) return '/api/(unmatched)';
  return '(static)';
}
