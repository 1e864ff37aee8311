import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, ZodBodyPipe } from '@onair/http';
import { BroadcastViewSchema, type AccountId } from './broadcast-record.js';
import {
  ApiBroadcastIdParam,
  BroadcastParamSchema,
  CreateBroadcastBody,
  ListQuerySchema,
  type BroadcastParam,
  type ListQuery,
} from './broadcast.schemas.js';
import { BroadcastsService } from './broadcasts.service.js';

@ApiTags('broadcasts')
@ApiBearerAuth()
@Controller('v1/broadcasts')
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Post()
  @HttpCode(201)
  @ApiBody({ schema: openApiSchema(CreateBroadcastBody) })
  @ApiResponse({ status: 201, description: 'Created (state created); the location is rounded', schema: BroadcastViewSchema })
  @ApiResponse({ status: 400, description: 'REQUEST.VALIDATION_FAILED (names the fields) or STREAM_SESSIONS.CIRCLE_NOT_FOUND' })
  @ApiResponse({ status: 403, description: "STREAM_SESSIONS.ACCOUNT_SUSPENDED: OnAir's operators suspended the caller (details.until: when it ends, null: until lifted)" })
  create(@CurrentUser() user: AuthenticatedUser, @Body(new ZodBodyPipe(CreateBroadcastBody)) body: CreateBroadcastBody) {
    return this.broadcasts.create(user.accountId as AccountId, body);
  }

  // Declared before ':broadcastId' so that "mine" is not read as an id.
  @Get('mine')
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiOkResponse({ description: "The caller's broadcasts, newest first: { items, nextCursor }" })
  @ApiResponse({ status: 400, description: 'REQUEST.VALIDATION_FAILED or STREAM_SESSIONS.INVALID_CURSOR' })
  mine(@CurrentUser() user: AuthenticatedUser, @Query(new ZodBodyPipe(ListQuerySchema)) query: ListQuery) {
    return this.broadcasts.listMine(user.accountId as AccountId, query.limit, query.cursor);
  }

  @Get(':broadcastId')
  @ApiBroadcastIdParam()
  @ApiOkResponse({ schema: BroadcastViewSchema })
  @ApiResponse({ status: 403, description: 'STREAM_SESSIONS.NOT_ADMITTED' })
  @ApiResponse({ status: 404, description: 'STREAM_SESSIONS.BROADCAST_NOT_FOUND' })
  get(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(BroadcastParamSchema)) { broadcastId }: BroadcastParam) {
    return this.broadcasts.get(broadcastId, user.accountId as AccountId);
  }

  @Post(':broadcastId/end')
  @HttpCode(200)
  @ApiBroadcastIdParam()
  @ApiOkResponse({ description: 'Ended (or already over: unchanged)', schema: BroadcastViewSchema })
  @ApiResponse({ status: 403, description: 'STREAM_SESSIONS.NOT_OWNER' })
  @ApiResponse({ status: 404, description: 'STREAM_SESSIONS.BROADCAST_NOT_FOUND' })
  end(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(BroadcastParamSchema)) { broadcastId }: BroadcastParam) {
    return this.broadcasts.end(broadcastId, user.accountId as AccountId);
  }
}
