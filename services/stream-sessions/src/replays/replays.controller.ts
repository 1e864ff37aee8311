import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { AccountId, BroadcastId } from '../broadcasts/broadcast-record.js';
import { ApiBroadcastIdParam } from '../broadcasts/broadcast.schemas.js';
import { isReplayFileName, PLAYLIST, replayContentType } from '@onair/replay-store';
import { ReplaysService } from './replays.service.js';

const ReplayFileParamsSchema = z.strictObject({
  broadcastId: z.uuid().transform((id) => id.toLowerCase() as BroadcastId),
  file: z.string().refine(isReplayFileName, 'index.m3u8 or a segment name such as index3.ts'),
});
type ReplayFileParams = z.infer<typeof ReplayFileParamsSchema>;


/** The replay as HLS VOD: the playlist names its segments relative to itself. */
@ApiTags('replays')
@ApiBearerAuth()
@Controller('v1/broadcasts/:broadcastId/replay')
export class ReplaysController {
  constructor(private readonly replays: ReplaysService) {}

  @Get(':file')
  @ApiBroadcastIdParam()
  @ApiParam({ name: 'file', description: `${PLAYLIST} or one of the segments it lists` })
  @ApiOkResponse({ description: 'The playlist (application/vnd.apple.mpegurl) or a segment (video/mp2t)' })
  @ApiResponse({ status: 400, description: 'REQUEST.VALIDATION_FAILED (e.g. a file name with a path in it)' })
  @ApiResponse({ status: 403, description: 'STREAM_SESSIONS.NOT_ADMITTED' })
  @ApiResponse({ status: 404, description: 'STREAM_SESSIONS.BROADCAST_NOT_FOUND or STREAM_SESSIONS.REPLAY_FILE_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'STREAM_SESSIONS.REPLAY_NOT_READY' })
  @ApiResponse({ status: 410, description: 'STREAM_SESSIONS.REPLAY_EXPIRED (for everyone, the owner included)' })
  async file(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(ReplayFileParamsSchema)) { broadcastId, file }: ReplayFileParams,
    @Res() res: Response,
  ): Promise<void> {
    const { stream, size, expiresAt } = await this.replays.open(broadcastId, file, user.accountId as AccountId);
    res.status(200);
    res.setHeader('Content-Type', replayContentType(file));
    res.setHeader('Content-Length', String(size));
    // Private: the answer depends on who asks; never cached past the replay's expiry.
    const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    res.setHeader('Cache-Control', `private, max-age=${Math.min(maxAge, file === PLAYLIST ? 60 : 3600)}`);
    await pipeline(stream, res);
  }
}
