/** Registry errors become GraphQL errors with extensions.code, the HTTP status and field paths. */
import { describe, expect, it } from 'vitest';
import { MASKED_MESSAGE, registryCall, toGraphQLError } from '../../src/graphql/index.js';
import { GraphQLError } from 'graphql';
import { ApiError, configMaps, errors, type StatusReason } from '../../src/registry/index.js';

describe('toGraphQLError', () => {
  it('maps each Kubernetes reason to a code and keeps the status', () => {
    const cases: [ApiError, string, number][] = [
      [errors.notFound(configMaps, 'x'), 'NOT_FOUND', 404],
      [errors.alreadyExists(configMaps, 'x'), 'ALREADY_EXISTS', 409],
      [errors.conflict(configMaps, 'x', 'changed'), 'CONFLICT', 409],
      [errors.forbidden(configMaps, 'x', 'no'), 'FORBIDDEN', 403],
      [new ApiError('Unauthorized', 'who are you'), 'UNAUTHENTICATED', 401],
      [errors.expired('too old resource version: 1 (5)'), 'EXPIRED', 410],
      [errors.gone('compacted'), 'EXPIRED', 410],
      [errors.badRequest('bad selector'), 'BAD_REQUEST', 400],
      [errors.tooLarge('3 MiB'), 'PAYLOAD_TOO_LARGE', 413],
      [errors.methodNotSupported(configMaps, 'watch'), 'METHOD_NOT_ALLOWED', 405],
      [new ApiError('TooManyRequests', 'too slow', { retryAfterSeconds: 0 }), 'TOO_MANY_REQUESTS', 429],
      [new ApiError('Timeout', 'too large resource version'), 'TIMEOUT', 504],
      [new ApiError('ServiceUnavailable', 'shutting down'), 'SERVICE_UNAVAILABLE', 503],
    ];
    for (const [err, code, status] of cases) {
      const g = toGraphQLError(err);
      expect(g.message).toBe(err.message);
      expect(g.extensions).toMatchObject({ code, status });
    }
    expect(toGraphQLError(cases[10]?.[0]).extensions.retryAfterSeconds).toBe(0);
  });

  it('carries the field paths of an Invalid error', () => {
    const err = errors.invalid(configMaps, 'Bad', [
      { type: 'FieldValueInvalid', field: 'metadata.name', value: 'Bad', detail: 'must be lower case' },
      { type: 'FieldValueRequired', field: 'data[key]', detail: '' },
    ]);
    const g = toGraphQLError(err);
    expect(g.extensions).toEqual({
      code: 'INVALID',
      status: 422,
      causes: [
        { reason: 'FieldValueInvalid', message: 'Invalid value: "Bad": must be lower case', field: 'metadata.name' },
        { reason: 'FieldValueRequired', message: 'Required value', field: 'data[key]' },
      ],
    });
    expect(g.message).toContain('ConfigMap "Bad" is invalid');
  });

  it('masks internal errors and anything that is not an ApiError', () => {
    for (const err of [errors.internal('disk on fire'), new Error('secret detail'), 'a string', new ApiError('InternalError' as StatusReason, 'x')]) {
      const g = toGraphQLError(err);
      expect(g.message).toBe(MASKED_MESSAGE);
      expect(g.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', status: 500 });
    }
    expect(toGraphQLError(new Error('kept for the log')).originalError?.message).toBe('kept for the log');
  });

  it('passes GraphQL errors through', () => {
    const g = new GraphQLError('already mapped', { extensions: { code: 'X' } });
    expect(toGraphQLError(g)).toBe(g);
  });

  it('wraps a registry call', async () => {
    await expect(registryCall(async () => 1)).resolves.toBe(1);
    await expect(
      registryCall(async () => {
        throw errors.notFound(configMaps, 'x');
      }),
    ).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });
});
