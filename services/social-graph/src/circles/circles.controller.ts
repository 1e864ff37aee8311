import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, ZodBodyPipe } from '@onair/http';
import type { AccountId } from '../accounts/account-id.js';
import { CircleBody, CircleParamSchema, type CircleParam } from './circle.schemas.js';
import { CirclesService } from './circles.service.js';

const CircleView = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    memberCount: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};
const ApiCircleIdParam = () => ApiParam({ name: 'circleId', format: 'uuid' });
const NotFound = 'SOCIAL_GRAPH.CIRCLE_NOT_FOUND (also for a circle of another account)';

/** The caller's own circles: nobody else can see or change them. */
@ApiTags('circles')
@ApiBearerAuth()
@Controller('v1/graph/circles')
export class CirclesController {
  constructor(private readonly circles: CirclesService) {}

  @Post()
  @HttpCode(201)
  @ApiBody({ schema: openApiSchema(CircleBody) })
  @ApiResponse({ status: 201, schema: CircleView })
  @ApiResponse({ status: 400, description: 'REQUEST.VALIDATION_FAILED (names the fields)' })
  @ApiResponse({
    status: 409,
    description: 'SOCIAL_GRAPH.CIRCLE_NAME_TAKEN or SOCIAL_GRAPH.CIRCLE_LIMIT_REACHED',
  })
  create(@CurrentUser() user: AuthenticatedUser, @Body(new ZodBodyPipe(CircleBody)) body: CircleBody) {
    return this.circles.create(user.accountId as AccountId, body.name);
  }

  @Get()
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: CircleView } } } })
  list(@CurrentUser() user: AuthenticatedUser) {
    return this.circles.list(user.accountId as AccountId);
  }

  @Get(':circleId')
  @ApiCircleIdParam()
  @ApiOkResponse({ schema: CircleView })
  @ApiResponse({ status: 404, description: NotFound })
  get(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(CircleParamSchema)) { circleId }: CircleParam,
  ) {
    return this.circles.get(user.accountId as AccountId, circleId);
  }

  @Patch(':circleId')
  @ApiCircleIdParam()
  @ApiBody({ schema: openApiSchema(CircleBody) })
  @ApiOkResponse({ description: 'Renamed', schema: CircleView })
  @ApiResponse({ status: 404, description: NotFound })
  @ApiResponse({ status: 409, description: 'SOCIAL_GRAPH.CIRCLE_NAME_TAKEN' })
  rename(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(CircleParamSchema)) { circleId }: CircleParam,
    @Body(new ZodBodyPipe(CircleBody)) body: CircleBody,
  ) {
    return this.circles.rename(user.accountId as AccountId, circleId, body.name);
  }

  @Delete(':circleId')
  @ApiCircleIdParam()
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'Gone, with its memberships; idempotent' })
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(CircleParamSchema)) { circleId }: CircleParam,
  ) {
    await this.circles.remove(user.accountId as AccountId, circleId);
  }
}
