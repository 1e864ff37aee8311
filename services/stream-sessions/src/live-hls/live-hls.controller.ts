import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import { isReplayFileName, PLAYLIST, replayContentType } from '@onair/replay-store';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { AccountId, BroadcastId } from '../broadcasts/broadcast-record.js';
import { ApiBroadcastIdParam } from '../broadcasts/broadcast.schemas.js';
import { LiveHlsService } from './live-hls.service.js';
import { cacheControlOf } from './live-playlist.js';

const LiveFileParamsSchema = z.strictObject({
  broadcastId: z.uuid().transform((id) => id.toLowerCase() as BroadcastId),
  file: z.string().refine(isReplayFileName, 'index.m3u8 or a segment name such as segment-00012.ts'),
});
type LiveFileParams = z.infer<typeof LiveFileParamsSchema>;

/**
 * The live broadcast as HLS, for players that cannot (or may not) watch over WebRTC: the
 * recording's growing playlist and its segments, named relative to it. Players send the access
 * token as a Bearer header (hls.js: xhrSetup), as for replays.
 */
@ApiTags('live-hls')
@ApiBearerAuth()
@Controller('v1/broadcasts/:broadcastId/live')
export class LiveHlsController {
  constructor(private readonly live: LiveHlsService) {}

  @Get(':file')
  @ApiBroadcastIdParam()
  @ApiParam({ name: 'file', description: `${PLAYLIST} or one of the segments it lists` })
  @ApiOkResponse({
    description:
      'The playlist (application/vnd.apple.mpegurl; EVENT, 2 s segments with EXT-X-PROGRAM-DATE-TIME; Cache-Control max-age=1) ' +
      'or a segment (video/mp2t; max-age=86400, immutable). Public broadcasts: `public`, others: `private`.',
  })
  @ApiResponse({ status: 400, description: 'REQUEST.VALIDATION_FAILED (e.g. a file name with a path in it)' })
  @ApiResponse({ status: 403, description: 'STREAM_SESSIONS.NOT_ADMITTED' })
  @ApiResponse({ status: 404, description: 'STREAM_SESSIONS.BROADCAST_NOT_FOUND or STREAM_SESSIONS.LIVE_HLS_FILE_NOT_FOUND (not recorded yet)' })
  @ApiResponse({ status: 409, description: 'STREAM_SESSIONS.LIVE_HLS_NOT_STARTED' })
  @ApiResponse({ status: 410, description: 'STREAM_SESSIONS.LIVE_HLS_ENDED (the replay has the same segments) or STREAM_SESSIONS.BROADCAST_TAKEN_DOWN' })
  async file(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(LiveFileParamsSchema)) { broadcastId, file }: LiveFileParams,
    @Res() res: Response,
  ): Promise<void> {
    // Refusals are never cached: the same URL answers once the segment is written or the viewer follows.
    res.setHeader('Cache-Control', 'no-store');
    const viewer = user.accountId as AccountId;
    if (file === PLAYLIST) {
      const { body, isPublic } = await this.live.playlist(broadcastId, viewer);
      res.status(200).setHeader('Content-Type', replayContentType(file));
      res.setHeader('Cache-Control', cacheControlOf('playlist', isPublic));
      res.send(body);
      return;
    }
    const { body, isPublic } = await this.live.segment(broadcastId, file, viewer);
    res.status(200).setHeader('Content-Type', replayContentType(file));
    res.setHeader('Content-Length', String(body.size));
    res.setHeader('Cache-Control', cacheControlOf('segment', isPublic));
    await pipeline(body.stream, res);
  }
}
