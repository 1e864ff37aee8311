import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@onair/auth';
import { SigningKeys } from './signing-keys.service.js';

@ApiTags('keys')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  /** Every service verifies access tokens with these keys (cached on their side). */
  @Public()
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ description: 'JSON Web Key Set of the keys that sign access tokens' })
  async jwks() {
    return { keys: await this.keys.publicKeys() };
  }
}
