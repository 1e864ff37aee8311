import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { ZodBodyPipe } from '@onair/http';
import type { Request } from 'express';
import { PLAIN_PUBLISH_PATH } from '../config.js';
import { SfuRuntime } from '../sfu-runtime.js';
import { PlainPublishRequestSchema, type PlainPublishRequest } from './plain-publish-request.js';
import { PlainPublishSessionNotFoundError } from './plain-publish.errors.js';

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Plain RTP into the node, for an RTMP ingest: Authorization carries a publish ticket for this
 * node (stream-sessions gave it to the ingest after checking the stream key). Encoders never
 * call it; they push RTMP to a node's RTMP listener.
 */
@ApiTags('plain-publish')
@Controller(PLAIN_PUBLISH_PATH.slice(1))
export class PlainPublishController {
  constructor(@Inject(SfuRuntime) private readonly runtime: SfuRuntime) {}

  @Post()
  @HttpCode(201)
  @ApiResponse({ status: 201, description: '{sessionId, ip, video?: {rtpPort, rtcpPort}, audio?: {rtpPort, rtcpPort}}: where to send RTP' })
  @ApiResponse({ status: 400, description: 'REQUEST.VALIDATION_FAILED or SFU.INVALID_MEDIA_PARAMETERS' })
  @ApiResponse({ status: 401, description: 'MEDIA.TICKET_INVALID, MEDIA.TICKET_EXPIRED or MEDIA.TICKET_USED' })
  @ApiResponse({ status: 403, description: 'MEDIA.TICKET_WRONG_NODE or SFU.PLAIN_PUBLISH_TICKET_REFUSED (not a publish ticket)' })
  @ApiResponse({ status: 503, description: 'SFU.DRAINING' })
  start(@Req() req: Request, @Body(new ZodBodyPipe(PlainPublishRequestSchema)) body: PlainPublishRequest) {
    return this.runtime.plainPublish.start(req.headers.authorization, body);
  }

  @Delete(':sessionId')
  @HttpCode(200)
  @ApiResponse({ status: 200, description: 'Ended: the publisher left the room (the session id, from the answer to the ticket, is the credential)' })
  @ApiResponse({ status: 404, description: 'SFU.PLAIN_PUBLISH_SESSION_NOT_FOUND' })
  stop(@Param('sessionId') sessionId: string) {
    if (!SESSION_ID.test(sessionId)) throw new PlainPublishSessionNotFoundError();
    this.runtime.plainPublish.stop(sessionId);
    return {};
  }
}
