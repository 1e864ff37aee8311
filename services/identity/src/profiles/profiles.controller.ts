import { Body, Controller, Get, HttpCode, Param, Patch, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, ZodBodyPipe } from '@onair/http';
import type { Request, Response } from 'express';
import { DataSource, In } from 'typeorm';
import { Account } from '../accounts/account.entity.js';
import { AVATAR_TYPES, AvatarStore, sniffImageType } from './avatar-store.js';
import { AvatarNotFoundError, AvatarTypeError, UserNotFoundError } from './profile.errors.js';
import { HandleParam, IdsQuery, MAX_IDS_PER_LOOKUP, ProfileView, UpdateProfileBody } from './profile.bodies.js';
import { ProfilesService } from './profiles.service.js';

const view = (a: Account) => ({
  id: a.id,
  handle: a.handle,
  displayName: a.displayName,
  bio: a.bio,
  avatarUrl: a.avatarType ? `/v1/users/${a.handle}/avatar` : null,
  createdAt: a.createdAt.toISOString(),
});

@ApiTags('users')
@Controller('v1/users')
export class ProfilesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly avatars: AvatarStore,
    private readonly profiles: ProfilesService,
  ) {}

  private accounts() {
    return this.dataSource.getRepository(Account);
  }

  /**
   * Profiles by account id: what other services' answers name (a circle's members, a chat's
   * authors) shown as people. Ids of no account are left out, not an error.
   */
  @Get()
  @ApiBearerAuth()
  @ApiQuery({ name: 'ids', description: `comma-separated account ids, at most ${MAX_IDS_PER_LOOKUP}` })
  @ApiOkResponse({ schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ProfileView } } } })
  @ApiBadRequestResponse({ description: 'REQUEST.VALIDATION_FAILED (not ids, or more than the limit)' })
  async byIds(@Query(new ZodBodyPipe(IdsQuery)) { ids }: { ids: string[] }) {
    const accounts = await this.accounts().findBy({ id: In(ids) });
    return { items: accounts.map(view) };
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ schema: ProfileView })
  async me(@CurrentUser() user: AuthenticatedUser) {
    const account = await this.accounts().findOneByOrFail({ id: user.accountId }).catch(() => {
      throw new UserNotFoundError(user.handle);
    });
    return { ...view(account), email: account.email };
  }

  @Patch('me')
  @ApiBearerAuth()
  @ApiBody({ schema: openApiSchema(UpdateProfileBody) })
  @ApiOkResponse({ schema: ProfileView })
  async update(@CurrentUser() user: AuthenticatedUser, @Body(new ZodBodyPipe(UpdateProfileBody)) body: UpdateProfileBody) {
    const account = await this.profiles.update(user.accountId, body);
    if (!account) throw new UserNotFoundError(user.handle);
    return { ...view(account), email: account.email };
  }

  /** The raw image is the body (Content-Type image/png, image/jpeg or image/webp). */
  @Put('me/avatar')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiBody({ description: `the image bytes; ${AVATAR_TYPES.join(', ')}`, schema: { type: 'string', format: 'binary' } })
  async putAvatar(@CurrentUser() user: AuthenticatedUser, @Req() req: Request) {
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const sniffed = sniffImageType(bytes);
    if (!sniffed || sniffed !== req.headers['content-type']?.split(';')[0].trim()) throw new AvatarTypeError(AVATAR_TYPES);
    await this.avatars.save(user.accountId, bytes);
    await this.accounts().update({ id: user.accountId }, { avatarType: sniffed });
  }

  @Public()
  @Get(':handle')
  @ApiOkResponse({ schema: ProfileView })
  @ApiNotFoundResponse({ description: 'IDENTITY.USER_NOT_FOUND' })
  async byHandle(@Param('handle', new ZodBodyPipe(HandleParam)) handle: string) {
    const account = await this.accounts().findOneBy({ handle });
    if (!account) throw new UserNotFoundError(handle);
    return view(account);
  }

  @Public()
  @Get(':handle/avatar')
  @ApiOkResponse({ description: 'the image' })
  @ApiNotFoundResponse({ description: 'IDENTITY.USER_NOT_FOUND or IDENTITY.AVATAR_NOT_FOUND' })
  async avatar(@Param('handle', new ZodBodyPipe(HandleParam)) handle: string, @Res() res: Response) {
    const account = await this.accounts().findOneBy({ handle });
    if (!account) throw new UserNotFoundError(handle);
    if (!account.avatarType) throw new AvatarNotFoundError();
    const bytes = await this.avatars.read(account.id).catch(() => {
      throw new AvatarNotFoundError();
    });
    res.setHeader('Content-Type', account.avatarType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.send(bytes);
  }
}
