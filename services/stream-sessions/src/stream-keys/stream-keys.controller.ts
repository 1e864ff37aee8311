import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import type { AccountId } from '../broadcasts/broadcast-record.js';
import { ApiBroadcastIdParam, BroadcastParamSchema, type BroadcastParam } from '../broadcasts/broadcast.schemas.js';
import { StreamKeys } from './stream-keys.js';

const StreamKeyViewSchema = {
  type: 'object',
  properties: {
    broadcastId: { type: 'string', format: 'uuid' },
    whipPath: { type: 'string', description: "The WHIP endpoint's path on the edge: OBS's Server URL is the edge's origin followed by it" },
    rtmpUrl: { type: 'string', nullable: true, description: "The RTMP server URL (the stream name is the key); null when this platform has no RTMP ingest" },
    issued: { type: 'boolean' },
    issuedAt: { type: 'string', format: 'date-time', nullable: true },
    hint: { type: 'string', nullable: true, description: "The key's last 4 characters" },
    streamKey: { type: 'string', description: 'Only in the answer that issued it: the key is stored as a SHA-256 and cannot be shown again' },
  },
};

@ApiTags('stream-keys')
@ApiBearerAuth()
@Controller('v1/broadcasts/:broadcastId/stream-key')
export class StreamKeysController {
  constructor(private readonly keys: StreamKeys) {}

  @Get()
  @ApiBroadcastIdParam()
  @ApiOkResponse({ description: 'Whether a key is issued, when, and its last characters; never the key itself', schema: StreamKeyViewSchema })
  @ApiResponse({ status: 403, description: 'STREAM_SESSIONS.NOT_OWNER' })
  @ApiResponse({ status: 404, description: 'STREAM_SESSIONS.BROADCAST_NOT_FOUND' })
  describe(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(BroadcastParamSchema)) { broadcastId }: BroadcastParam) {
    return this.keys.describe(broadcastId, user.accountId as AccountId);
  }

  @Post('rotate')
  @HttpCode(201)
  @ApiBroadcastIdParam()
  @ApiResponse({ status: 201, description: 'A new key (the first, or replacing the current one at once), shown this once', schema: StreamKeyViewSchema })
  @ApiResponse({ status: 403, description: 'STREAM_SESSIONS.NOT_OWNER' })
  @ApiResponse({ status: 404, description: 'STREAM_SESSIONS.BROADCAST_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'STREAM_SESSIONS.BROADCAST_OVER' })
  @ApiResponse({ status: 410, description: 'STREAM_SESSIONS.BROADCAST_TAKEN_DOWN' })
  rotate(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(BroadcastParamSchema)) { broadcastId }: BroadcastParam) {
    return this.keys.rotate(broadcastId, user.accountId as AccountId);
  }
}
