// Calls to the public API through the edge (same origin). Every failure is an ApiError with the
// API's stable `error.code`, which is what the pages show words for (error-words.ts).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${code}: ${message}`);
  }

  /** The server's own message, without the code in front. */
  get serverMessage(): string {
    return this.message.slice(this.code.length + 2);
  }
}

/** fetch() itself failed: the edge is not reachable (offline, edge down). */
export const NETWORK_UNREACHABLE = 'CLIENT.NETWORK_UNREACHABLE';

export async function api<T>(method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<T> {
  const { body, token } = options;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, NETWORK_UNREACHABLE, (err as Error).message);
  }
  const text = await res.text();
  let json: { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? `HTTP.${res.status}`, json?.error?.message ?? res.statusText, json?.error?.details);
  return json as T;
}
