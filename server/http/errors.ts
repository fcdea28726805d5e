/** Turns every error into `{ statusCode, code, error, message }` from the shared table. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { TabgridError } from '../../shared/errors.ts';

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = toTabgridError(err);
    if (known.code === 'INTERNAL') request.log.error({ err }, 'request failed');
    else if (known.code === 'PAYLOAD_TOO_LARGE')
      request.log.warn(
        { code: known.code, field: known.field, url: request.url },
        'limit hit: %s',
        known.message,
      );
    else request.log.debug({ code: known.code }, known.message);
    void reply.status(known.statusCode).send(known.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const err = new TabgridError(
      'NOT_FOUND',
      `no route ${request.method} ${request.url.split('?')[0]}`,
    );
    void reply.status(404).send(err.toBody());
  });
}

function toTabgridError(err: FastifyError): TabgridError {
  if (err instanceof TabgridError) return err;
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new TabgridError(
      'PAYLOAD_TOO_LARGE',
      `body: is over the ${err.message.match(/\d+/)?.[0] ?? ''}-byte limit`.replace(
        ' -byte',
        '',
      ),
      { field: 'body' },
    );
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new TabgridError(
      'BAD_REQUEST',
      `body: unsupported content type; ${err.message}`,
      { field: 'body' },
    );
  }
  if (
    err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    err instanceof SyntaxError ||
    err.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
  ) {
    return new TabgridError(
      'BAD_REQUEST',
      `body: is not valid JSON: ${err.message}`,
      { field: 'body' },
    );
  }
  if (err.validation) {
    const first = err.validation[0];
    const field =
      (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') ||
      (first?.params as { missingProperty?: string })?.missingProperty ||
      'request';
    return new TabgridError(
      'BAD_REQUEST',
      `${err.validationContext ?? 'request'} ${field}: ${first?.message ?? 'is invalid'}`,
      { field },
    );
  }
  if (err.statusCode === 429)
    return new TabgridError('RATE_LIMITED', err.message);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new TabgridError('BAD_REQUEST', err.message);
  }
  return new TabgridError(
    'INTERNAL',
    'internal error; the operator can find it in the logs',
  );
}
