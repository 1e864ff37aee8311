import { Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import type { Response } from 'express';
import { ApiAccountIdParam, type AccountId } from '../accounts/account-id.js';
import { ApiPageQuery, PageQuerySchema, pageRequest, type PageQuery } from '../pagination/page-query.js';
import {
  CircleMemberParamSchema,
  CircleParamSchema,
  type CircleMemberParam,
  type CircleParam,
} from './circle.schemas.js';
import { CircleMembersService } from './circle-members.service.js';

const MemberView = {
  type: 'object',
  properties: {
    accountId: { type: 'string', format: 'uuid' },
    addedAt: { type: 'string', format: 'date-time' },
  },
};
const NotFound = 'SOCIAL_GRAPH.CIRCLE_NOT_FOUND (also for a circle of another account)';

@ApiTags('circles')
@ApiBearerAuth()
@ApiParam({ name: 'circleId', format: 'uuid' })
@Controller('v1/graph/circles/:circleId/members')
export class CircleMembersController {
  constructor(private readonly members: CircleMembersService) {}

  @Put(':accountId')
  @ApiAccountIdParam()
  @ApiResponse({ status: 201, description: 'Added', schema: MemberView })
  @ApiResponse({ status: 200, description: 'Was already a member (nothing changed)', schema: MemberView })
  @ApiResponse({ status: 404, description: NotFound })
  @ApiResponse({
    status: 409,
    description: 'SOCIAL_GRAPH.NOT_A_FOLLOWER (only followers can be members) or SOCIAL_GRAPH.CIRCLE_FULL',
  })
  async add(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(CircleMemberParamSchema)) { circleId, accountId }: CircleMemberParam,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, ...member } = await this.members.add(user.accountId as AccountId, circleId, accountId);
    res.status(created ? 201 : 200);
    return member;
  }

  @Delete(':accountId')
  @ApiAccountIdParam()
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'Not a member (any more); idempotent' })
  @ApiResponse({ status: 404, description: NotFound })
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(CircleMemberParamSchema)) { circleId, accountId }: CircleMemberParam,
  ) {
    await this.members.remove(user.accountId as AccountId, circleId, accountId);
  }

  @Get()
  @ApiPageQuery()
  @ApiOkResponse({
    description: 'Members, newest first',
    schema: {
      type: 'object',
      properties: {
        items: { type: 'array', items: MemberView },
        nextCursor: { type: 'string', nullable: true },
      },
    },
  })
  @ApiResponse({ status: 404, description: NotFound })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(CircleParamSchema)) { circleId }: CircleParam,
    @Query(new ZodBodyPipe(PageQuerySchema)) query: PageQuery,
  ) {
    return this.members.list(user.accountId as AccountId, circleId, pageRequest(query));
  }
}
