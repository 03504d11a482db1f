/**
 * Every refusal carries an `extensions.code`. yoga answers a body of a media type it has no
 * parser for with an empty 415, and a request whose Accept allows no form the result can take (a
 * subscription asked for as JSON, or `Accept: application/xml`) with an empty 406; those become
 * GraphQL errors with code BAD_REQUEST (the code REST's UnsupportedMediaType and NotAcceptable
 * map to) in JSON, as REST's Status is JSON whatever Accept says. And a validation rule that
 * throws instead of reporting — graphql-armor's limits do, as does graphql-js's
 * SingleFieldSubscriptionsRule when a subscription's root field carries `@skip` without `if` —
 * ends validation with its error as a validation error, so yoga codes it
 * GRAPHQL_VALIDATION_FAILED (400) and graphql-ws answers it as an error of that operation instead
 * of closing the whole connection.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const UNSUPPORTED_BODY = 'the body of the request was in an unknown format - accepted media types include: application/json, application/graphql, application/x-www-form-urlencoded';
const NOT_ACCEPTABLE =
  'none of the media types the request accepts can carry this result: queries and mutations are answered as application/json or application/graphql-response+json, subscriptions as text/event-stream or multipart/mixed (or over graphql-ws)';

export function useCodedErrors(): Plugin {
  return {
    onValidate({ validateFn, setValidationFn }) {
      setValidationFn((...args) => {
        try {
          return validateFn(...args);
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
      });
    },
    onResponse({ response, setResponse, fetchAPI }) {
      if (response.headers.has('content-type')) return;
      const message = response.status === 415 ? UNSUPPORTED_BODY : response.status === 406 ? NOT_ACCEPTABLE : undefined;
      if (!message) return;
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('content-type', 'application/json; charset=utf-8');
      setResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }), { status: response.status, headers }));
    },
  };
}
