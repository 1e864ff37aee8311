import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { httpTracing, telemetry } from '@onair/telemetry';
import type { Express, Request, Response } from 'express';
import { HttpErrorFilter } from './http-error.filter.js';

export interface HttpAppOptions {
  serviceName: string;
  version: string;
  description: string;
  /** Each dependency and whether it answers now; `/readyz` is 200 only when all do. */
  readiness: () => Promise<Record<string, boolean>>;
  /** Largest JSON body accepted; larger ones get 413. */
  bodyLimit?: string;
}

/**
 * What every OnAir HTTP service has in common at its edge: tracing and request metrics,
 * JSON bodies with a size limit, the error filter, `/healthz`, `/readyz`, `/metrics`,
 * `/openapi.json` and Swagger UI at `/docs`. Call after `NestFactory.create` and before `listen`.
 */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions): OpenAPIObject {
  const express = app as NestExpressApplication;
  express.use(httpTracing(options.serviceName));
  express.useBodyParser('json', { limit: options.bodyLimit ?? '64kb', strict: true });
  express.disable('x-powered-by');
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();

  const http: Express = express.getHttpAdapter().getInstance();
  http.get('/healthz', (_req: Request, res: Response) => res.json({ status: 'ok' }));
  http.get('/readyz', async (_req: Request, res: Response) => {
    const checks = await options.readiness();
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  http.get('/metrics', (req: Request, res: Response) => telemetry().metricsHandler(req, res));

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(`OnAir ${options.serviceName}`).setDescription(options.description).setVersion(options.version).build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  return document;
}
