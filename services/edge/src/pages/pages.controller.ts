import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { broadcastPage, watchPage } from './pages.html.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ASSETS = new Set(['broadcast.client.js', 'watch.client.js', 'broadcast.client.js.map', 'watch.client.js.map']);

/** services/edge/dist/pages, found from both src/pages (tests) and dist/src/pages (built). */
function bundleDir(): string {
  const up = resolve(__dirname, '..', '..');
  const root = existsSync(join(up, 'package.json')) ? up : resolve(up, '..');
  return join(root, 'dist', 'pages');
}

@ApiExcludeController()
@Controller()
export class PagesController {
  private readonly assets = bundleDir();

  @Get('broadcast')
  @Header('Content-Type', 'text/html; charset=utf-8')
  broadcast() {
    return broadcastPage();
  }

  @Get('watch/:broadcastId')
  @Header('Content-Type', 'text/html; charset=utf-8')
  watch(@Param('broadcastId') broadcastId: string) {
    if (!UUID.test(broadcastId)) throw new NotFoundException('no such broadcast');
    return watchPage();
  }

  /** Only the known bundles: no user input reaches the file system. */
  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() res: Response) {
    if (!ASSETS.has(name)) throw new NotFoundException('no such asset');
    res.type(name.endsWith('.map') ? 'application/json' : 'text/javascript');
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(this.assets, name));
  }
}
