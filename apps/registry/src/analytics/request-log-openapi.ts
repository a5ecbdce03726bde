import { MAX_REQUEST_LOGS } from './request-log-query.js';

const nullableText = { type: 'string', nullable: true };

/** The request-log listing's schema, inline in the operation. */
export const requestLogsSchema = {
  type: 'object',
  required: ['logs'],
  properties: {
    logs: {
      type: 'array',
      description: 'Newest first',
      items: {
        type: 'object',
        properties: {
          at: { type: 'string', format: 'date-time' },
          api_id: { type: 'string' },
          version: nullableText,
          identity: { ...nullableText, description: 'The caller as a SHA-256 hash (a key’s, or a token’s issuer and subject), never the credential' },
          oauth_client_id: nullableText,
          endpoint: { ...nullableText, description: 'The track_endpoints entry the request matched' },
          method: { type: 'string' },
          path: { type: 'string', description: 'Without the query string (it may carry credentials)' },
          status: { type: 'integer' },
          upstream_ms: { type: 'number' },
          total_ms: { type: 'number' },
          bytes_in: { type: 'integer' },
          bytes_out: { type: 'integer' },
          auth_result: { type: 'string' },
        },
      },
    },
  },
};

export const requestLogQueryDocs = [
  { name: 'from', description: 'Start (inclusive): ISO 8601 date-time or epoch milliseconds. Default: an hour before `to`' },
  { name: 'to', description: 'End (exclusive): ISO 8601 date-time or epoch milliseconds. Default: now' },
  { name: 'limit', description: `How many, newest first (default 100, at most ${MAX_REQUEST_LOGS})` },
  { name: 'api_id', description: 'Only this API' },
  { name: 'identity', description: 'Only this identity (the SHA-256 hash the gateway records)' },
  { name: 'oauth_client_id', description: 'Only this OAuth client' },
];
