import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the build, in memory, as it is sent. */
export interface StaticFile {
  body: Buffer;
  /** The body gzipped once at boot; absent for types that do not compress (images, fonts). */
  gzipped?: Buffer;
  contentType: string;
  /** Weak: the same for the gzipped and the plain body. */
  etag: string;
}

const CONTENT_TYPES: Record<string, { type: string; compress: boolean }> = {
  '.js': { type: 'text/javascript; charset=utf-8', compress: true },
  '.css': { type: 'text/css; charset=utf-8', compress: true },
  '.html': { type: 'text/html; charset=utf-8', compress: true },
  '.json': { type: 'application/json', compress: true },
  '.map': { type: 'application/json', compress: true },
  '.svg': { type: 'image/svg+xml', compress: true },
  '.txt': { type: 'text/plain; charset=utf-8', compress: true },
  '.png': { type: 'image/png', compress: false },
  '.jpg': { type: 'image/jpeg', compress: false },
  '.webp': { type: 'image/webp', compress: false },
  '.woff2': { type: 'font/woff2', compress: false },
};

/**
 * Files at the build's root served at a fixed name (from services/web/public): the Web Push
 * service worker must keep its URL across builds (a registration names it) and be same-origin.
 */
export const ROOT_FILES = ['push-worker.js'] as const;

/** What Vite names assets (`index-DqNykVku.js`): nothing else in assets/ is ever served. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/;

function staticFile(path: string): StaticFile {
  const body = readFileSync(path);
  const kind = CONTENT_TYPES[extname(path).toLowerCase()] ?? { type: 'application/octet-stream', compress: false };
  return {
    body,
    gzipped: kind.compress ? gzipSync(body, { level: 9 }) : undefined,
    contentType: kind.type,
    etag: `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

/**
 * The web client's build (services/web/dist), read whole at boot: index.html, the files in
 * assets/ (under a megabyte) and the ROOT_FILES. Requests are answered from this set by exact
 * name, so no part of a request ever reaches the file system; a new build is served after a
 * restart.
 */
export class WebClientBuild {
  private constructor(
    readonly index: StaticFile,
    private readonly assets: ReadonlyMap<string, StaticFile>,
    private readonly rootFiles: ReadonlyMap<string, StaticFile>,
  ) {}

  /** The build in `root`, or undefined when there is none (no index.html). */
  static load(root: string): WebClientBuild | undefined {
    const indexPath = join(root, 'index.html');
    if (!existsSync(indexPath)) return undefined;
    const assetsDir = join(root, 'assets');
    const assets = new Map<string, StaticFile>();
    const entries = existsSync(assetsDir) ? readdirSync(assetsDir, { withFileTypes: true }) : [];
    for (const entry of entries) {
      if (entry.isFile() && ASSET_NAME.test(entry.name)) assets.set(entry.name, staticFile(join(assetsDir, entry.name)));
    }
    const rootFiles = new Map<string, StaticFile>();
    for (const name of ROOT_FILES) if (existsSync(join(root, name))) rootFiles.set(name, staticFile(join(root, name)));
    return new WebClientBuild(staticFile(indexPath), assets, rootFiles);
  }

  asset(name: string): StaticFile | undefined {
    return this.assets.get(name);
  }

  /** One of ROOT_FILES, if the build has it. */
  rootFile(name: string): StaticFile | undefined {
    return this.rootFiles.get(name);
  }
}
