import 'reflect-metadata';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allRoutes } from '@mixroom/contract';
import { type DatabaseHandle, openDatabase } from '@mixroom/db';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import express, { type Express } from 'express';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { AppModule } from './app.module.js';
import { jsonErrors, requestLogging } from './common/http-middleware.js';
import { type Config, loadConfig } from './config/config.js';
import { reserveUploadsRoute } from './media/uploads/uploads.route.js';
import { mountMetrics } from './observability/metrics-endpoint.js';
import { Metrics } from './observability/metrics.js';
import { mountOpenApi } from './system/openapi.js';

export interface ServerOptions {
  /** Defaults to the validated environment. */
  config?: Config;
  /** An already open, migrated database (tests share one per file); otherwise opened from config. */
  database?: DatabaseHandle;
  logger?: Logger;
}

export interface MixroomServer {
  app: INestApplication;
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /** Starts listening; port 0 picks a free port. Resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Base URL once listening. */
  url(): string;
  /** Graceful stop: stops accepting, flushes, closes the database (unless it was passed in). */
  close(): Promise<void>;
}

const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

export async function createServer(options: ServerOptions = {}): Promise<MixroomServer> {
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'mixroom' } });
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : join(config.dataDir, 'db'),
    }));
  if (ownsDatabase) await database.migrate();
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 })
    : null;

  const expressApp: Express = express();
  expressApp.disable('x-powered-by');
  expressApp.set('trust proxy', 'loopback, linklocal, uniquelocal');
  expressApp.use(requestLogging(logger));
  const metrics = new Metrics();
  expressApp.use(metrics.httpMiddleware(allRoutes));
  const uploads = reserveUploadsRoute(expressApp); // tus needs the raw request stream: before the JSON parser
  expressApp.use(express.json({ limit: '1mb' }));
  expressApp.use(jsonErrors);
  mountOpenApi(expressApp, allRoutes, config.publicUrl);
  mountMetrics(expressApp, metrics, config.metricsToken);

  const app = await NestFactory.create(
    AppModule.forRoot({ config, database, redis, logger, metrics }),
    new ExpressAdapter(expressApp),
    { bodyParser: false, logger: ['error', 'warn'] },
  );
  uploads.attach(app);

  if (existsSync(join(webDist, 'index.html'))) {
    // The web client is a single-page app: unknown non-API paths get index.html. Registered before
    // app.init(), which appends Nest's 404 handler; a missing build asset stays a 404.
    expressApp.use(express.static(webDist, { index: false, maxAge: '1h' }));
    expressApp.get(/^\/(?!api\/|sync\/|assets\/|health$|ready$).*/, (_req, res) => {
      res.sendFile(join(webDist, 'index.html'));
    });
  }
  await app.init();

  let baseUrl = '';
  let closing: Promise<void> | undefined;
  return {
    app,
    config,
    database,
    logger,
    async listen(port = config.port, host = config.host) {
      await app.listen(port, host);
      const address = app.getHttpServer().address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      baseUrl = `http://${shownHost}:${address.port}`;
      // Invite links must point at the port actually bound (PORT=0 picks one).
      if (!config.publicUrlGiven) config.publicUrl = `http://localhost:${address.port}`;
      return baseUrl;
    },
    url: () => baseUrl,
    close() {
      closing ??= (async () => {
        await app.close();
        if (redis) await redis.quit().catch(() => redis.disconnect());
        if (ownsDatabase) await database.close();
      })();
      return closing;
    },
  };
}
