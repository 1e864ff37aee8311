import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { HttpErrorFilter } from '@onair/http';
import { httpTracing, JsonLogger } from '@onair/telemetry';
import type { Express, Request, Response } from 'express';
import { EDGE_CONFIG, type EdgeConfig } from './config.js';
import { DocsModule } from './docs/docs.module.js';
import { setupSwaggerUi } from './docs/swagger-ui.js';
import { InternalEndpoints } from './health/internal-endpoints.js';
import { EdgeProxy } from './proxy/edge-proxy.js';
import { ProxyModule } from './proxy/proxy.module.js';
import { WebClient } from './web-client/web-client.js';
import { WebClientModule } from './web-client/web-client.module.js';

@Module({})
class EdgeModule {
  static forRoot(config: EdgeConfig): DynamicModule {
    const configProvider = { provide: EDGE_CONFIG, useValue: config };
    return {
      module: EdgeModule,
      global: true,
      providers: [configProvider, InternalEndpoints],
      exports: [configProvider],
      imports: [ProxyModule, DocsModule, WebClientModule],
    };
  }
}

/**
 * The public probes. Ready means "this edge can take traffic", so it depends on the edge alone:
 * one service down must cost its own routes (answered 502), not every route of every edge
 * replica at once; and the edge starts before or after the services in any order. Upstream
 * health and metrics are on the internal port only (InternalEndpoints).
 */
function serveHealth(http: Express): void {
  http.get('/healthz', (_req: Request, res: Response) => res.json({ status: 'ok' }));
  http.get('/readyz', (_req: Request, res: Response) => res.json({ status: 'ready', checks: { edge: true } }));
}

/**
 * Builds the edge HTTP application (used by main.ts and by the integration tests). The same
 * pieces as libs/http's `configureHttpApp`, in another order: the proxy runs right after the
 * tracing middleware and before any body parser or Nest route, so proxied bodies stream
 * through untouched and routed paths never reach Nest; the web client's pages and assets are
 * served right after it.
 */
export async function createEdgeApp(config: EdgeConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(EdgeModule.forRoot(config), {
    logger: new JsonLogger('edge', config.logLevel),
    bodyParser: false,
    abortOnError: false,
  });
  const proxy = app.get(EdgeProxy);
  app.disable('x-powered-by');
  app.use(httpTracing('edge'));
  app.use(proxy.handleRequest);
  // The web client next: unrouted GETs of pages and assets; everything else falls through.
  app.use(app.get(WebClient).handleRequest);
  app.getHttpServer().on('upgrade', proxy.handleUpgrade);
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  serveHealth(app.getHttpAdapter().getInstance());
  setupSwaggerUi(app, [...config.services.keys()]);
  return app;
}
