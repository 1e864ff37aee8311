import { EdgeHttpError } from '../proxy/proxy.errors.js';

/** The message does not repeat the name asked for: nothing a request says is echoed back. */
export class AssetNotFoundError extends EdgeHttpError {
  readonly status = 404;
  readonly code = 'REQUEST.NOT_FOUND';
  constructor() {
    super('no such asset in the web client');
  }
}

/** The edge runs from a checkout whose web client has not been built. */
export class WebClientNotBuiltError extends EdgeHttpError {
  readonly status = 503;
  readonly code = 'EDGE.WEB_CLIENT_NOT_BUILT';
  constructor(root: string) {
    super(`the web client is not built (no ${root}/index.html): run tools/onair build`);
  }
}
