/**
 * What the client throws. A server that answered with an error body gives a
 * TabgridApiError carrying that body's fields, so callers match on `code`;
 * a server that could not be reached gives a TabgridConnectionError.
 */
import type { ErrorBody, ErrorCode } from '../../shared/errors.ts';

/** An error the coordinator answered with (`{ statusCode, code, message, ... }`). */
export class TabgridApiError extends Error {
  readonly statusCode: number;
  /** A code from shared/errors.ts, or `BAD_RESPONSE` when the body was not one of ours. */
  readonly code: ErrorCode | 'BAD_RESPONSE';
  /** The spec field at fault, as a dotted path, when the server named one. */
  readonly field: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(body: {
    statusCode: number;
    code: ErrorCode | 'BAD_RESPONSE';
    message: string;
    field?: string | undefined;
    line?: number | undefined;
    column?: number | undefined;
  }) {
    super(body.message);
    this.name = 'TabgridApiError';
    this.statusCode = body.statusCode;
    this.code = body.code;
    this.field = body.field;
    this.line = body.line;
    this.column = body.column;
  }
}

/** The coordinator could not be reached, or the connection broke mid-way. */
export class TabgridConnectionError extends Error {
  readonly url: string;

  constructor(url: string, cause: unknown) {
    super(`cannot reach the coordinator at ${url}: ${reasonOf(cause)}`, {
      cause,
    });
    this.name = 'TabgridConnectionError';
    this.url = url;
  }
}

/** Builds the error for a response that is not 2xx. */
export async function errorFromResponse(
  res: Response,
): Promise<TabgridApiError> {
  const text = await res.text().catch(() => '');
  const body = parseBody(text);
  if (body) return new TabgridApiError(body);
  return new TabgridApiError({
    statusCode: res.status,
    code: 'BAD_RESPONSE',
    message:
      `HTTP ${res.status} ${res.statusText}: ${text.slice(0, 200)}`.trim(),
  });
}

function parseBody(text: string): ErrorBody | undefined {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody> | null;
    if (
      body &&
      typeof body.code === 'string' &&
      typeof body.message === 'string' &&
      typeof body.statusCode === 'number'
    )
      return body as ErrorBody;
  } catch {
    // Not JSON: a proxy's page, say; the caller reports it as BAD_RESPONSE.
  }
  return undefined;
}

/** undici hides the socket error under `cause`; that is the part worth showing. */
function reasonOf(err: unknown): string {
  let e = err as { message?: string; code?: string; cause?: unknown };
  while (e?.cause && typeof e.cause === 'object') e = e.cause as typeof e;
  return e?.message || e?.code || String(err);
}
