import { Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import type { Response } from 'express';
import { z } from 'zod';
import {
  AccountIdSchema,
  AccountParamSchema,
  ApiAccountIdParam,
  type AccountId,
  type AccountParam,
} from '../accounts/account-id.js';
import { ApiPageQuery, PageQuerySchema, pageRequest, type PageQuery } from '../pagination/page-query.js';
import { FollowsService } from './follows.service.js';

const PairParamSchema = z.strictObject({ followerId: AccountIdSchema, followeeId: AccountIdSchema });
type PairParam = z.infer<typeof PairParamSchema>;

const FollowView = {
  type: 'object',
  properties: {
    followerId: { type: 'string', format: 'uuid' },
    followeeId: { type: 'string', format: 'uuid' },
    followedAt: { type: 'string', format: 'date-time' },
  },
};
const AccountPage = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          accountId: { type: 'string', format: 'uuid' },
          followedAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    nextCursor: {
      type: 'string',
      nullable: true,
      description: 'Pass back as ?cursor= for the next page; null on the last page.',
    },
  },
};
const BadInput =
  'REQUEST.VALIDATION_FAILED (a malformed id, limit or unknown parameter) or SOCIAL_GRAPH.INVALID_CURSOR';
const asSelf = (user: AuthenticatedUser) => user.accountId as AccountId;

@ApiTags('follows')
@ApiBearerAuth()
@Controller('v1/graph')
export class FollowsController {
  constructor(private readonly follows: FollowsService) {}

  @Post('follows/:accountId')
  @ApiAccountIdParam()
  @ApiResponse({ status: 201, description: 'Now following', schema: FollowView })
  @ApiResponse({ status: 200, description: 'Was already following (nothing changed)', schema: FollowView })
  @ApiResponse({ status: 400, description: 'SOCIAL_GRAPH.CANNOT_FOLLOW_SELF or REQUEST.VALIDATION_FAILED' })
  @ApiResponse({ status: 403, description: 'SOCIAL_GRAPH.BLOCKED: one of the two blocked the other' })
  @ApiResponse({ status: 410, description: 'SOCIAL_GRAPH.ACCOUNT_DELETED' })
  async follow(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(AccountParamSchema)) { accountId }: AccountParam,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, ...follow } = await this.follows.follow(asSelf(user), accountId);
    res.status(created ? 201 : 200);
    return follow;
  }

  @Delete('follows/:accountId')
  @ApiAccountIdParam()
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'Not following (any more); idempotent' })
  async unfollow(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(AccountParamSchema)) { accountId }: AccountParam,
  ) {
    await this.follows.unfollow(asSelf(user), accountId);
  }

  @Get('follows/:followerId/:followeeId')
  @ApiAccountIdParam('followerId')
  @ApiAccountIdParam('followeeId')
  @ApiOkResponse({
    description: 'Whether followerId follows followeeId',
    schema: { type: 'object', properties: { following: { type: 'boolean' } } },
  })
  @ApiResponse({ status: 403, description: 'SOCIAL_GRAPH.BLOCKED: one of the two blocked the caller' })
  async isFollowing(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(PairParamSchema)) { followerId, followeeId }: PairParam,
  ) {
    await this.follows.assertVisibleTo(asSelf(user), followerId, followeeId);
    return { followerId, followeeId, ...(await this.follows.isFollowing(followerId, followeeId)) };
  }

  @Get('accounts/:accountId/followers')
  @ApiAccountIdParam()
  @ApiPageQuery()
  @ApiOkResponse({ description: 'Followers, newest first', schema: AccountPage })
  @ApiResponse({ status: 400, description: BadInput })
  @ApiResponse({ status: 403, description: 'SOCIAL_GRAPH.BLOCKED: the account blocked the caller' })
  async followers(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(AccountParamSchema)) { accountId }: AccountParam,
    @Query(new ZodBodyPipe(PageQuerySchema)) query: PageQuery,
  ) {
    const page = pageRequest(query);
    await this.follows.assertVisibleTo(asSelf(user), accountId);
    return this.follows.list('followers', accountId, page);
  }

  @Get('accounts/:accountId/following')
  @ApiAccountIdParam()
  @ApiPageQuery()
  @ApiOkResponse({ description: 'Accounts followed, newest first', schema: AccountPage })
  @ApiResponse({ status: 400, description: BadInput })
  @ApiResponse({ status: 403, description: 'SOCIAL_GRAPH.BLOCKED: the account blocked the caller' })
  async following(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(AccountParamSchema)) { accountId }: AccountParam,
    @Query(new ZodBodyPipe(PageQuerySchema)) query: PageQuery,
  ) {
    const page = pageRequest(query);
    await this.follows.assertVisibleTo(asSelf(user), accountId);
    return this.follows.list('following', accountId, page);
  }

  @Get('accounts/:accountId/counts')
  @ApiAccountIdParam()
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        accountId: { type: 'string' },
        followers: { type: 'integer' },
        following: { type: 'integer' },
      },
    },
  })
  @ApiResponse({ status: 403, description: 'SOCIAL_GRAPH.BLOCKED: the account blocked the caller' })
  async counts(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(AccountParamSchema)) { accountId }: AccountParam,
  ) {
    await this.follows.assertVisibleTo(asSelf(user), accountId);
    return this.follows.counts(accountId);
  }
}
