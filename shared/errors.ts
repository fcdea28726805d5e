/**
 * Every error tabgrid reports, with the HTTP status it maps to. The same
 * codes travel in REST bodies (`{ statusCode, code, error, message }`) and in
 * WebSocket `error` frames, so clients match on `code`, never on text.
 * `fatal` marks socket errors after which the server closes the connection.
 */
export const ERRORS = {
  // REST: requests
  BAD_REQUEST: {
    status: 400,
    fatal: false,
    doc: 'a field is missing or invalid',
  },
  BAD_CODE: {
    status: 400,
    fatal: false,
    doc: 'job code does not parse as an ES module',
  },
  BAD_INPUT_LINE: {
    status: 400,
    fatal: false,
    doc: 'a line of an inputs upload is not valid',
  },
  UNAUTHORIZED: {
    status: 401,
    fatal: false,
    doc: 'missing or unknown API key',
  },
  FORBIDDEN: { status: 403, fatal: false, doc: 'the key may not do this' },
  NOT_FOUND: {
    status: 404,
    fatal: false,
    doc: 'no such resource for this key',
  },
  CONFLICT: {
    status: 409,
    fatal: false,
    doc: 'the resource is not in a state that allows this',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    fatal: false,
    doc: 'a body, code, input or upload is over its limit',
  },
  RATE_LIMITED: {
    status: 429,
    fatal: false,
    doc: 'too many requests or frames per second',
  },
  INTERNAL: { status: 500, fatal: false, doc: 'unexpected server error' },
  SHUTTING_DOWN: {
    status: 503,
    fatal: false,
    doc: 'the coordinator is stopping',
  },
  // WebSocket: the volunteer protocol
  BAD_JSON: { status: 400, fatal: true, doc: 'a frame is not valid JSON' },
  BAD_MESSAGE: {
    status: 400,
    fatal: true,
    doc: 'a frame does not match its message schema',
  },
  UNKNOWN_TYPE: {
    status: 400,
    fatal: true,
    doc: 'a frame has an unknown `type`',
  },
  FRAME_TOO_LARGE: {
    status: 413,
    fatal: true,
    doc: 'a frame is over `maxFrameBytes`',
  },
  BINARY_FRAME: {
    status: 400,
    fatal: true,
    doc: 'a binary frame was sent; only text is spoken',
  },
  PROTOCOL_VERSION: {
    status: 400,
    fatal: true,
    doc: 'the hello names a protocol version the server does not speak',
  },
  HELLO_REQUIRED: {
    status: 400,
    fatal: true,
    doc: 'the first frame must be `hello`',
  },
  BAD_TOKEN: {
    status: 401,
    fatal: true,
    doc: 'the volunteer token is not one this server issued',
  },
  BANNED: {
    status: 403,
    fatal: true,
    doc: 'this volunteer is banned from new work',
  },
  TOO_MANY_CONNECTIONS: {
    status: 429,
    fatal: true,
    doc: 'too many sockets from one address',
  },
  FLOOD: { status: 429, fatal: true, doc: 'too many frames per second' },
  LEASE_UNKNOWN: {
    status: 409,
    fatal: false,
    doc:
      'a result or progress names a lease this volunteer does not hold ' +
      '(ended, expired or never issued)',
  },
  RESULT_TOO_LARGE: {
    status: 413,
    fatal: false,
    doc: 'a result is over `maxResultBytes`; it counts as an error result',
  },
} as const satisfies Record<
  string,
  { status: number; fatal: boolean; doc: string }
>;

export type ErrorCode = keyof typeof ERRORS;

/** The JSON body of every REST error. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  error: string;
  message: string;
  /** The spec field at fault, as a dotted path, when there is one. */
  field?: string;
  line?: number;
  column?: number;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error that carries its code; HTTP and socket handlers turn it into a body or a frame. */
export class TabgridError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    where: { field?: string; line?: number; column?: number } = {},
  ) {
    super(message);
    this.name = 'TabgridError';
    this.code = code;
    this.field = where.field;
    this.line = where.line;
    this.column = where.column;
  }

  get statusCode(): number {
    return ERRORS[this.code].status;
  }

  toBody(): ErrorBody {
    const status = this.statusCode;
    const body: ErrorBody = {
      statusCode: status,
      code: this.code,
      error: STATUS_TEXT[status] ?? 'Error',
      message: this.message,
    };
    if (this.field !== undefined) body.field = this.field;
    if (this.line !== undefined) body.line = this.line;
    if (this.column !== undefined) body.column = this.column;
    return body;
  }
}
