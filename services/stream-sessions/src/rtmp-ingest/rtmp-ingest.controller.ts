import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import type { Request } from 'express';
import { z } from 'zod';
import type { BroadcastId } from '../broadcasts/broadcast-record.js';
import { RtmpIngest } from './rtmp-ingest.js';

const BroadcastParamSchema = z.strictObject({ broadcastId: z.uuid().transform((id) => id.toLowerCase() as BroadcastId) });

/** The stream key as the node forwards it; malformed or missing reads as no key (401 all the same). */
const streamKeyOf = (req: Request): string | undefined => /^Bearer ([!-~]{1,200})$/.exec(req.headers.authorization?.trim() ?? '')?.[1];

const GrantSchema = {
  type: 'object',
  properties: {
    broadcastId: { type: 'string', format: 'uuid' },
    ticket: { type: 'string', description: 'A single-use publish ticket for nodeId' },
    nodeId: { type: 'string' },
    plainPublishUrl: { type: 'string', description: "The placed node's plain-publish endpoint (POST the RTP parameters there with the ticket)" },
    expiresAt: { type: 'string', format: 'date-time' },
  },
};

/**
 * Called by the SFU node whose RTMP listener an encoder connected to, when it says `publish`
 * with the stream key as stream name: authenticated by the key (public to the session guard).
 */
@ApiTags('rtmp')
@Controller('v1/broadcasts/:broadcastId/rtmp-ticket')
@Public()
export class RtmpIngestController {
  constructor(private readonly rtmp: RtmpIngest) {}

  @Post()
  @HttpCode(201)
  @ApiParam({ name: 'broadcastId', format: 'uuid' })
  @ApiHeader({ name: 'authorization', required: true, description: 'Bearer <the broadcast stream key>' })
  @ApiResponse({ status: 201, description: 'The publisher is placed: a publish ticket for the node that takes its media', schema: GrantSchema })
  @ApiResponse({ status: 401, description: 'STREAM_SESSIONS.STREAM_KEY_INVALID: missing, wrong or rotated' })
  @ApiResponse({ status: 403, description: 'STREAM_SESSIONS.ACCOUNT_SUSPENDED' })
  @ApiResponse({ status: 409, description: 'STREAM_SESSIONS.BROADCAST_OVER' })
  @ApiResponse({ status: 410, description: 'STREAM_SESSIONS.BROADCAST_TAKEN_DOWN' })
  @ApiResponse({ status: 429, description: 'STREAM_SESSIONS.RTMP_BUSY: another RTMP publisher for the broadcast is being placed' })
  @ApiResponse({ status: 503, description: 'STREAM_SESSIONS.NO_SFU_AVAILABLE' })
  grant(@Req() req: Request, @Param(new ZodBodyPipe(BroadcastParamSchema)) { broadcastId }: { broadcastId: BroadcastId }) {
    return this.rtmp.grant(broadcastId, streamKeyOf(req));
  }
}
