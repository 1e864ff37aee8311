import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiQuery, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import { z } from 'zod';
import { LiveOverview } from './live-overview.js';
import { BroadcastOverviewView, LiveBroadcastView, SfuNodeView } from './live-overview.views.js';

const LiveQuerySchema = z.strictObject({
  sort: z.enum(['viewers', 'reports']).default('viewers'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
type LiveQuery = z.infer<typeof LiveQuerySchema>;
// Named apart from the schema: Nest's OpenAPI scanner reads a parameter's declared type.
const BroadcastParamSchema = z.strictObject({ broadcastId: z.uuid().transform((s) => s.toLowerCase()) });
type BroadcastPath = z.infer<typeof BroadcastParamSchema>;

const Unavailable = 'OPS.STREAM_SESSIONS_UNAVAILABLE: stream-sessions cannot answer now (Retry-After)';

/** What is live now, for operators: broadcasts with their SFU nodes, and the nodes' load. */
@ApiTags('live')
@Controller('v1/ops')
export class LiveOverviewController {
  constructor(private readonly overview: LiveOverview) {}

  @Get('live')
  @RequireRole('operator')
  @ApiQuery({ name: 'sort', required: false, schema: { type: 'string', enum: ['viewers', 'reports'], default: 'viewers' }, description: 'reports: those with open reports first (most distinct reporters, then viewers), then the rest by viewers' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } })
  @ApiOkResponse({ schema: { type: 'object', required: ['broadcasts'], properties: { broadcasts: { type: 'array', items: LiveBroadcastView } } } })
  @ApiBadRequestResponse({ description: 'REQUEST.VALIDATION_FAILED' })
  @ApiServiceUnavailableResponse({ description: Unavailable })
  async live(@Query(new ZodBodyPipe(LiveQuerySchema)) q: LiveQuery) {
    return { broadcasts: await this.overview.live(q.sort, q.limit) };
  }

  @Get('live/:broadcastId')
  @RequireRole('operator')
  @ApiParam({ name: 'broadcastId', format: 'uuid' })
  @ApiOkResponse({ schema: BroadcastOverviewView, description: 'the broadcast in any state; the relay tree only while live' })
  @ApiBadRequestResponse({ description: 'REQUEST.VALIDATION_FAILED' })
  @ApiNotFoundResponse({ description: 'OPS.BROADCAST_NOT_FOUND' })
  @ApiServiceUnavailableResponse({ description: Unavailable })
  async broadcast(@Param(new ZodBodyPipe(BroadcastParamSchema)) { broadcastId }: BroadcastPath) {
    return this.overview.broadcast(broadcastId);
  }

  @Get('sfu-nodes')
  @RequireRole('operator')
  @ApiOkResponse({ schema: { type: 'object', required: ['nodes'], properties: { nodes: { type: 'array', items: SfuNodeView } } }, description: 'the nodes that reported in the last 10 minutes, by node id' })
  @ApiServiceUnavailableResponse({ description: Unavailable })
  async sfuNodes() {
    return { nodes: await this.overview.sfuNodes() };
  }
}
