import { Controller, Get, Inject, Param, Req, UseFilters } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiGatewayTimeoutResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { EDGE_CONFIG, type EdgeConfig } from '../config.js';
import { EdgeHttpErrorFilter } from '../edge-http-error.filter.js';
import { OpenApiCatalog } from './openapi-catalog.js';

// What a Host header may look like: name or address, optional port. Anything else is not echoed.
const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

@ApiTags('docs')
@Controller()
@UseFilters(EdgeHttpErrorFilter)
export class DocsController {
  constructor(
    private readonly catalog: OpenApiCatalog,
    @Inject(EDGE_CONFIG) private readonly config: EdgeConfig,
  ) {}

  @Get('openapi/:service.json')
  @ApiOkResponse({ description: "The service's own OpenAPI document, its `servers` pointing at the edge" })
  @ApiNotFoundResponse({ description: 'EDGE.UNKNOWN_SERVICE' })
  @ApiBadGatewayResponse({ description: 'EDGE.UPSTREAM_UNAVAILABLE: the service is down or sent no document' })
  @ApiGatewayTimeoutResponse({ description: 'EDGE.UPSTREAM_TIMEOUT' })
  document(@Param('service') service: string, @Req() req: Request) {
    return this.catalog.document(service, this.edgeOrigin(req));
  }

  /** The configured public URL, else the origin the client called (relative when unusable). */
  private edgeOrigin(req: Request): string {
    if (this.config.publicUrl) return this.config.publicUrl.origin;
    const host = req.headers.host ?? '';
    return HOST.test(host) ? `${req.protocol}://${host}` : '/';
  }
}
