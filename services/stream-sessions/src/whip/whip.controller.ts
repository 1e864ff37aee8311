import { Controller, Delete, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { BroadcastId } from '../broadcasts/broadcast-record.js';
import { WhipIngest } from './whip-ingest.js';
import { WhipNotSdpError } from './whip.errors.js';

const SDP = 'application/sdp';
const SDP_FRAGMENT = 'application/trickle-ice-sdpfrag';

const SessionParamSchema = z.strictObject({
  broadcastId: z.uuid().transform((id) => id.toLowerCase() as BroadcastId),
  sessionId: z.string().min(1).max(300),
});
type SessionParam = z.infer<typeof SessionParamSchema>;
const BroadcastParamSchema = SessionParamSchema.pick({ broadcastId: true });

/** The stream key as a WHIP client sends it; malformed or missing reads as no key (401 all the same). */
const streamKeyOf = (req: Request): string | undefined => /^Bearer ([!-~]{1,200})$/.exec(req.headers.authorization?.trim() ?? '')?.[1];

/** What the text body parser left (whip.module.ts): a string only for the expected media type. */
function bodyOf(req: Request, type: string): string {
  if (!req.is(type) || typeof req.body !== 'string') throw new WhipNotSdpError(type);
  return req.body;
}

const KEY_HEADER = { name: 'authorization', required: true, description: 'Bearer <the broadcast stream key>' };

/**
 * WHIP (RFC 9725) for encoders such as OBS 30+: authenticated by the broadcast's stream key, not
 * a user session (these routes are public to the session guard). Resource URL:
 * /v1/broadcasts/:broadcastId/whip/:sessionId.
 */
@ApiTags('whip')
@Controller('v1/broadcasts/:broadcastId/whip')
@Public()
export class WhipController {
  constructor(private readonly whip: WhipIngest) {}

  @Post()
  @ApiParam({ name: 'broadcastId', format: 'uuid' })
  @ApiHeader(KEY_HEADER)
  @ApiConsumes(SDP)
  @ApiProduces(SDP)
  @ApiBody({ description: 'The SDP offer: one audio (Opus) and one video (VP8 or H.264) m-section, sendonly; at most 64 KiB', schema: { type: 'string' } })
  @ApiResponse({ status: 201, description: 'The SDP answer (ICE-lite, DTLS passive); Location: the session resource; ETag: for ICE restarts' })
  @ApiResponse({ status: 400, description: 'STREAM_SESSIONS.WHIP_NOT_SDP, SFU.WHIP_OFFER_INVALID or SFU.MEDIA_PARAMETERS_REJECTED' })
  @ApiResponse({ status: 401, description: 'STREAM_SESSIONS.STREAM_KEY_INVALID: missing, wrong or rotated' })
  @ApiResponse({ status: 403, description: 'STREAM_SESSIONS.ACCOUNT_SUSPENDED' })
  @ApiResponse({ status: 409, description: 'STREAM_SESSIONS.BROADCAST_OVER' })
  @ApiResponse({ status: 410, description: 'STREAM_SESSIONS.BROADCAST_TAKEN_DOWN' })
  @ApiResponse({ status: 413, description: 'REQUEST.BODY_TOO_LARGE' })
  @ApiResponse({ status: 429, description: 'STREAM_SESSIONS.WHIP_BUSY: another offer for the broadcast is being placed' })
  @ApiResponse({ status: 503, description: 'STREAM_SESSIONS.NO_SFU_AVAILABLE or STREAM_SESSIONS.SFU_UNREACHABLE' })
  async offer(@Req() req: Request, @Res() res: Response, @Param(new ZodBodyPipe(BroadcastParamSchema)) { broadcastId }: Pick<SessionParam, 'broadcastId'>) {
    const streamKey = streamKeyOf(req);
    const { sessionId, sdp, etag } = await this.whip.offer(broadcastId, streamKey, bodyOf(req, SDP));
    res.status(201).location(`/v1/broadcasts/${broadcastId}/whip/${sessionId}`);
    if (etag) res.setHeader('etag', etag);
    res.type(SDP).send(sdp);
  }

  @Delete(':sessionId')
  @HttpCode(200)
  @ApiHeader(KEY_HEADER)
  @ApiResponse({ status: 200, description: 'The session ended: the publisher left (the broadcast ends after its grace period unless it publishes again)' })
  @ApiResponse({ status: 401, description: 'STREAM_SESSIONS.STREAM_KEY_INVALID' })
  @ApiResponse({ status: 404, description: 'STREAM_SESSIONS.WHIP_SESSION_NOT_FOUND or SFU.WHIP_SESSION_NOT_FOUND' })
  async stop(@Req() req: Request, @Param(new ZodBodyPipe(SessionParamSchema)) { broadcastId, sessionId }: SessionParam) {
    await this.whip.stop(broadcastId, streamKeyOf(req), sessionId);
    return {};
  }

  @Patch(':sessionId')
  @ApiHeader(KEY_HEADER)
  @ApiHeader({ name: 'if-match', required: false, description: 'The ETag of the session ("*" for an ICE restart)' })
  @ApiConsumes(SDP_FRAGMENT)
  @ApiResponse({ status: 200, description: 'ICE restart: the new ICE credentials and candidates (application/trickle-ice-sdpfrag), with a new ETag' })
  @ApiResponse({ status: 204, description: 'Trickled candidates: accepted and not needed (the SFU is ICE-lite)' })
  @ApiResponse({ status: 401, description: 'STREAM_SESSIONS.STREAM_KEY_INVALID' })
  @ApiResponse({ status: 404, description: 'STREAM_SESSIONS.WHIP_SESSION_NOT_FOUND or SFU.WHIP_SESSION_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'SFU.WHIP_ETAG_MISMATCH: If-Match names another state of the session (RFC 9725 says 412; our error kinds have no 412)' })
  async patch(@Req() req: Request, @Res() res: Response, @Param(new ZodBodyPipe(SessionParamSchema)) { broadcastId, sessionId }: SessionParam) {
    const answer = await this.whip.patch(broadcastId, streamKeyOf(req), sessionId, {
      body: bodyOf(req, SDP_FRAGMENT),
      contentType: SDP_FRAGMENT,
      ifMatch: typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined,
    });
    res.status(answer.status);
    if (answer.etag) res.setHeader('etag', answer.etag);
    if (answer.status === 204) return void res.end();
    res.type(answer.contentType ?? SDP_FRAGMENT).send(answer.body);
  }
}
