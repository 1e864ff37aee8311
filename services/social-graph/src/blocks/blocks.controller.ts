import { Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import type { Response } from 'express';
import {
  AccountParamSchema,
  ApiAccountIdParam,
  type AccountId,
  type AccountParam,
} from '../accounts/account-id.js';
import { ApiPageQuery, PageQuerySchema, pageRequest, type PageQuery } from '../pagination/page-query.js';
import { BlocksService } from './blocks.service.js';

const BlockView = {
  type: 'object',
  properties: {
    blockerId: { type: 'string', format: 'uuid' },
    blockedId: { type: 'string', format: 'uuid' },
    blockedAt: { type: 'string', format: 'date-time' },
  },
};

/** The caller's own block list: nobody else can see or change it. */
@ApiTags('blocks')
@ApiBearerAuth()
@Controller('v1/graph/blocks')
export class BlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Put(':accountId')
  @ApiAccountIdParam()
  @ApiResponse({ status: 201, description: 'Blocked now; follows both ways were removed', schema: BlockView })
  @ApiResponse({ status: 200, description: 'Was already blocked (nothing changed)', schema: BlockView })
  @ApiResponse({ status: 400, description: 'SOCIAL_GRAPH.CANNOT_BLOCK_SELF or REQUEST.VALIDATION_FAILED' })
  @ApiResponse({ status: 410, description: 'SOCIAL_GRAPH.ACCOUNT_DELETED' })
  async block(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(AccountParamSchema)) { accountId }: AccountParam,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, ...block } = await this.blocks.block(user.accountId as AccountId, accountId);
    res.status(created ? 201 : 200);
    return block;
  }

  @Delete(':accountId')
  @ApiAccountIdParam()
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'Not blocked (any more); idempotent' })
  async unblock(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(AccountParamSchema)) { accountId }: AccountParam,
  ) {
    await this.blocks.unblock(user.accountId as AccountId, accountId);
  }

  @Get()
  @ApiPageQuery()
  @ApiOkResponse({
    description:
      'Accounts the caller blocked, newest first: { items: [{ accountId, blockedAt }], nextCursor }',
  })
  @ApiResponse({ status: 400, description: 'REQUEST.VALIDATION_FAILED or SOCIAL_GRAPH.INVALID_CURSOR' })
  list(@CurrentUser() user: AuthenticatedUser, @Query(new ZodBodyPipe(PageQuerySchema)) query: PageQuery) {
    return this.blocks.list(user.accountId as AccountId, pageRequest(query));
  }
}
