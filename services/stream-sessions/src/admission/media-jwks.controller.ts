import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@onair/auth';
import { MediaKeys } from './media-keys.js';

@ApiTags('keys')
@Controller('.well-known')
export class MediaJwksController {
  constructor(private readonly keys: MediaKeys) {}

  /** SFU nodes verify media tickets with these keys (cached on their side). */
  @Public()
  @Get('media-jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ description: 'JSON Web Key Set of the keys that sign media tickets' })
  async jwks() {
    return { keys: await this.keys.publicKeys() };
  }
}
