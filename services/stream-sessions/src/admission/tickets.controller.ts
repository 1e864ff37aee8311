import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, hasRole, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, ZodBodyPipe } from '@onair/http';
import { z } from 'zod';
import type { AccountId } from '../broadcasts/broadcast-record.js';
import { ApiBroadcastIdParam, BroadcastParamSchema, type BroadcastParam } from '../broadcasts/broadcast.schemas.js';
import { TicketsService } from './tickets.service.js';

const TicketBody = z.strictObject({
  role: z.enum(['publish', 'consume', 'chat']),
  /** SFU nodes the client could not use moments ago: placement leaves them out for it. */
  avoidNodeIds: z
    .array(z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/))
    .max(8)
    .optional(),
});
type TicketBody = z.infer<typeof TicketBody>;

const TicketView = {
  type: 'object',
  properties: {
    ticket: {
      type: 'string',
      description: 'EdDSA JWT for the SFU (publish, consume) or the chat (chat: /v1/chat/socket, the chat replay); verify with /.well-known/media-jwks.json',
    },
    role: { type: 'string', enum: ['publish', 'consume', 'chat'] },
    broadcastId: { type: 'string', format: 'uuid' },
    nodeId: {
      type: 'string',
      description: "publish/consume: the SFU node to connect to: the publisher's, or for a viewer another one relaying from it when it is full",
    },
    signallingUrl: { type: 'string', description: 'publish/consume: the WebSocket of the SFU node to present the ticket to' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
};

@ApiTags('admission')
@ApiBearerAuth()
@Controller('v1/broadcasts/:broadcastId/tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Post()
  @HttpCode(201)
  @ApiBroadcastIdParam()
  @ApiBody({ schema: openApiSchema(TicketBody) })
  @ApiResponse({ status: 201, description: 'A media ticket valid for a short time, naming the SFU node', schema: TicketView })
  @ApiResponse({ status: 403, description: 'STREAM_SESSIONS.PUBLISH_NOT_ALLOWED, STREAM_SESSIONS.NOT_ADMITTED or STREAM_SESSIONS.ACCOUNT_SUSPENDED (publish: the owner is suspended)' })
  @ApiResponse({ status: 404, description: 'STREAM_SESSIONS.BROADCAST_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'STREAM_SESSIONS.BROADCAST_NOT_LIVE (chat: neither live nor a replay) or STREAM_SESSIONS.BROADCAST_OVER' })
  @ApiResponse({ status: 503, description: 'STREAM_SESSIONS.NO_SFU_AVAILABLE or STREAM_SESSIONS.SOCIAL_GRAPH_UNAVAILABLE' })
  issue(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(BroadcastParamSchema)) { broadcastId }: BroadcastParam,
    @Body(new ZodBodyPipe(TicketBody)) body: TicketBody,
  ) {
    if (body.role === 'chat') return this.tickets.issueChat(broadcastId, user.accountId as AccountId, user.handle);
    return this.tickets.issue(broadcastId, user.accountId as AccountId, body.role, new Set(body.avoidNodeIds), body.role === 'consume' && hasRole(user, 'operator'));
  }
}
