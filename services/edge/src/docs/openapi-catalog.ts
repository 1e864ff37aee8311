import { Inject, Injectable } from '@nestjs/common';
import { injectTraceContext } from '@onair/telemetry';
import { EDGE_CONFIG, type EdgeConfig } from '../config.js';
import { UpstreamTimeoutError, UpstreamUnavailableError } from '../proxy/proxy.errors.js';
import { UnknownServiceError } from './docs.errors.js';

type OpenApiDocument = Record<string, unknown> & { openapi: string };

interface Cached {
  until: number;
  document: Promise<OpenApiDocument>;
}

/**
 * Every service's OpenAPI document, fetched from its own `/openapi.json` and kept for a few
 * seconds (a deploy shows up quickly; a page of Swagger UI does not fetch it once per click).
 * Concurrent requests share one fetch; failures are not kept.
 */
@Injectable()
export class OpenApiCatalog {
  private readonly cache = new Map<string, Cached>();

  constructor(@Inject(EDGE_CONFIG) private readonly config: EdgeConfig) {}

  /** The service's document with `servers` pointing at the edge, where clients call it. */
  async document(service: string, edgeOrigin: string): Promise<OpenApiDocument> {
    const document = await this.cached(service);
    return { ...document, servers: [{ url: edgeOrigin, description: 'OnAir edge' }] };
  }

  private cached(service: string): Promise<OpenApiDocument> {
    const origin = this.config.services.get(service);
    if (!origin) throw new UnknownServiceError(service);
    const hit = this.cache.get(service);
    if (hit && hit.until > Date.now()) return hit.document;
    const document = this.fetch(service, origin);
    this.cache.set(service, { until: Date.now() + this.config.openApiCacheMs, document });
    document.catch(() => {
      if (this.cache.get(service)?.document === document) this.cache.delete(service);
    });
    return document;
  }

  private async fetch(service: string, origin: URL): Promise<OpenApiDocument> {
    const timeoutMs = this.config.upstreamTimeoutMs;
    let res: Response;
    try {
      res = await fetch(new URL('/openapi.json', origin), { headers: injectTraceContext(), signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw (err as Error).name === 'TimeoutError' ? new UpstreamTimeoutError(service, timeoutMs) : new UpstreamUnavailableError(service, err);
    }
    const body: unknown = res.ok ? await res.json().catch(() => undefined) : await res.body?.cancel();
    if (!body || typeof body !== 'object' || typeof (body as OpenApiDocument).openapi !== 'string') {
      throw new UpstreamUnavailableError(service, new Error(`GET /openapi.json answered ${res.status} without an OpenAPI document`));
    }
    return body as OpenApiDocument;
  }
}
