import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import { BroadcastViewSchema } from './broadcast-view.js';
import { DiscoverySearch } from './discovery-search.js';
import { FollowingQuery, MapQuery, NearQuery, SearchQuery, TeleportQuery, TrendingQuery } from './search.schemas.js';

/** A map marker (details: GET /v1/broadcasts/{id}). */
const MarkerSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    title: { type: 'string' },
    lat: { type: 'number' },
    lon: { type: 'number' },
    viewersNow: { type: 'integer' },
    owner: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, handle: { type: 'string', nullable: true } } },
  },
};
const page = (item: object) => ({ schema: { type: 'object', properties: { items: { type: 'array', items: item }, nextCursor: { type: 'string', nullable: true } } } });
const number = (name: string, description: string, required = true) => ApiQuery({ name, required, description, schema: { type: 'number' } });
const limit = () => ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 50, default: 20 } });
const cursor = () => ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page', schema: { type: 'string' } });
const language = () => ApiQuery({ name: 'language', required: false, description: 'BCP 47 tag, e.g. en or pt-BR', schema: { type: 'string' } });
const invalid = () => ApiResponse({ status: 400, description: 'REQUEST.VALIDATION_FAILED (names each field), DISCOVERY.INVALID_CURSOR' });
const unavailable = () => ApiResponse({ status: 503, description: 'DISCOVERY.SEARCH_UNAVAILABLE' });

/**
 * Finding broadcasts: the map, near me, topics and text, trending, teleport (public broadcasts
 * only) and the caller's following (followers-only and circle ones too). Broadcasts of owners
 * who blocked the caller, or whom the caller blocked, never appear.
 */
@ApiTags('discovery')
@ApiBearerAuth()
@Controller('v1/discovery')
export class SearchController {
  constructor(private readonly discovery: DiscoverySearch) {}

  @Get('map')
  @ApiOperation({ summary: 'Live broadcasts in a viewport as map markers: clusters (count, centre, the most watched) below zoom 14, single broadcasts from 14 on' })
  @number('north', 'latitude of the top edge, -90..90')
  @number('south', 'latitude of the bottom edge, below north')
  @number('east', 'longitude of the right edge, -180..180')
  @number('west', 'longitude of the left edge, west of east (split a box across the antimeridian in two)')
  @ApiQuery({ name: 'zoom', schema: { type: 'integer', minimum: 0, maximum: 22 } })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        zoom: { type: 'integer' },
        clusters: {
          type: 'array',
          items: { type: 'object', properties: { key: { type: 'string' }, count: { type: 'integer' }, lat: { type: 'number' }, lon: { type: 'number' }, top: MarkerSchema } },
        },
        broadcasts: { type: 'array', items: MarkerSchema },
      },
    },
  })
  @ApiResponse({ status: 400, description: 'REQUEST.VALIDATION_FAILED, DISCOVERY.BOX_INVERTED, DISCOVERY.BOX_WRAPS_WORLD' })
  @unavailable()
  map(@CurrentUser() user: AuthenticatedUser, @Query(new ZodBodyPipe(MapQuery)) q: MapQuery) {
    return this.discovery.map(q, user.accountId);
  }

  @Get('near')
  @ApiOperation({ summary: 'Live broadcasts nearest first, within a radius of a point' })
  @number('lat', '-90..90')
  @number('lon', '-180..180')
  @number('radiusKm', '0.1..1000, default 50', false)
  @limit()
  @cursor()
  @ApiOkResponse(page({ allOf: [BroadcastViewSchema, { type: 'object', properties: { distanceKm: { type: 'number' } } }] }))
  @invalid()
  @unavailable()
  near(@CurrentUser() user: AuthenticatedUser, @Query(new ZodBodyPipe(NearQuery)) q: NearQuery) {
    return this.discovery.near(q, user.accountId);
  }

  @Get('search')
  @ApiOperation({ summary: 'By topic and/or text (typo-tolerant), live (default) or replays, optionally in one language' })
  @ApiQuery({ name: 'q', required: false, description: 'words of a title, a handle or a name; at most 100 characters', schema: { type: 'string' } })
  @ApiQuery({ name: 'topic', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'state', required: false, schema: { type: 'string', enum: ['live', 'replay'], default: 'live' } })
  @language()
  @limit()
  @cursor()
  @ApiOkResponse(page(BroadcastViewSchema))
  @invalid()
  @unavailable()
  search(@CurrentUser() user: AuthenticatedUser, @Query(new ZodBodyPipe(SearchQuery)) q: SearchQuery) {
    return this.discovery.text(q, user.accountId);
  }

  @Get('trending')
  @ApiOperation({ summary: 'Live broadcasts by viewers and heart velocity, fading with age' })
  @language()
  @limit()
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: BroadcastViewSchema } } } })
  @invalid()
  @unavailable()
  async trending(@CurrentUser() user: AuthenticatedUser, @Query(new ZodBodyPipe(TrendingQuery)) q: TrendingQuery) {
    return { items: await this.discovery.trending(q, user.accountId) };
  }

  @Get('teleport')
  @ApiOperation({ summary: 'One live public broadcast at random' })
  @language()
  @ApiOkResponse({ schema: BroadcastViewSchema })
  @ApiResponse({ status: 404, description: 'DISCOVERY.NOTHING_LIVE' })
  @invalid()
  @unavailable()
  teleport(@CurrentUser() user: AuthenticatedUser, @Query(new ZodBodyPipe(TeleportQuery)) q: TeleportQuery) {
    return this.discovery.teleport(q, user.accountId);
  }

  @Get('following')
  @ApiOperation({ summary: 'Live broadcasts of accounts the caller follows, followers-only and circle ones included' })
  @limit()
  @cursor()
  @ApiOkResponse(page(BroadcastViewSchema))
  @invalid()
  @ApiResponse({ status: 503, description: 'DISCOVERY.SEARCH_UNAVAILABLE, DISCOVERY.SOCIAL_GRAPH_UNAVAILABLE' })
  following(@CurrentUser() user: AuthenticatedUser, @Query(new ZodBodyPipe(FollowingQuery)) q: FollowingQuery) {
    return this.discovery.following(q, user.accountId);
  }
}
