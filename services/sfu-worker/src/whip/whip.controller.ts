import { Controller, Delete, HttpCode, Inject, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { WHIP_PATH } from '../config.js';
import { SfuRuntime } from '../sfu-runtime.js';
import { WhipOfferInvalidError, WhipSessionNotFoundError } from './whip.errors.js';

const SDP = 'application/sdp';
const SDP_FRAGMENT = 'application/trickle-ice-sdpfrag';
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The text body parser (sfu-worker-app.ts) leaves a string only for the expected media type. */
function bodyOf(req: Request, type: string): string {
  if (!req.is(type) || typeof req.body !== 'string') throw new WhipOfferInvalidError(`the body must be ${type}`);
  return req.body;
}

function sessionIdOf(text: string): string {
  if (!SESSION_ID.test(text)) throw new WhipSessionNotFoundError();
  return text;
}

/**
 * The node's side of WHIP, for stream-sessions (which checks the stream key and places the
 * publisher): Authorization carries a publish ticket for this node. Encoders never call it
 * directly; they call /v1/broadcasts/:id/whip through the edge.
 */
@ApiTags('whip')
@Controller(WHIP_PATH.slice(1))
export class WhipController {
  constructor(@Inject(SfuRuntime) private readonly runtime: SfuRuntime) {}

  @Post()
  @ApiConsumes(SDP)
  @ApiProduces(SDP)
  @ApiResponse({ status: 201, description: 'The SDP answer; Location: the session; ETag: its ICE state' })
  @ApiResponse({ status: 400, description: 'SFU.WHIP_OFFER_INVALID or SFU.MEDIA_PARAMETERS_REJECTED' })
  @ApiResponse({ status: 401, description: 'MEDIA.TICKET_INVALID, MEDIA.TICKET_EXPIRED or MEDIA.TICKET_USED' })
  @ApiResponse({ status: 403, description: 'MEDIA.TICKET_WRONG_NODE or SFU.WHIP_TICKET_REFUSED (not a publish ticket)' })
  @ApiResponse({ status: 503, description: 'SFU.DRAINING' })
  async offer(@Req() req: Request, @Res() res: Response) {
    const answer = await this.runtime.whip.offer(req.headers.authorization, bodyOf(req, SDP));
    res.status(201).location(`${WHIP_PATH}/${answer.sessionId}`).setHeader('etag', answer.etag);
    res.type(SDP).send(answer.sdp);
  }

  @Delete(':sessionId')
  @HttpCode(200)
  @ApiResponse({ status: 200, description: 'Ended: the publisher left the room' })
  @ApiResponse({ status: 404, description: 'SFU.WHIP_SESSION_NOT_FOUND' })
  async stop(@Req() req: Request, @Param('sessionId') sessionId: string) {
    await this.runtime.whip.stop(req.headers.authorization, sessionIdOf(sessionId));
    return {};
  }

  @Patch(':sessionId')
  @ApiConsumes(SDP_FRAGMENT)
  @ApiResponse({ status: 200, description: 'ICE restart: the new credentials and candidates' })
  @ApiResponse({ status: 204, description: 'Trickled candidates: not needed by an ICE-lite node' })
  @ApiResponse({ status: 404, description: 'SFU.WHIP_SESSION_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'SFU.WHIP_ETAG_MISMATCH' })
  async changeIce(@Req() req: Request, @Res() res: Response, @Param('sessionId') sessionId: string) {
    const ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined;
    const change = await this.runtime.whip.changeIce(req.headers.authorization, sessionIdOf(sessionId), bodyOf(req, SDP_FRAGMENT), ifMatch);
    res.status(change.status).setHeader('etag', change.etag);
    if (change.status === 204) return void res.end();
    res.type(SDP_FRAGMENT).send(change.fragment);
  }
}
