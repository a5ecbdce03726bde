import { withoutNamed } from '../forwarding.js';
import type { ForwardShaping } from './forward-shaping.js';

/** The upstream request headers with the shape step's deletions and additions (flat arrays). */
export function shapedRequestHeaders(headers: string[], shaping: ForwardShaping): string[] {
  const kept = shaping.removeHeaders === null ? headers : withoutNamed(headers, shaping.removeHeaders);
  const add = shaping.addHeaders;
  for (let i = 0; i < add.length; i++) kept.push(add[i]!);
  return kept;
}

/** The client response headers with transform_response_headers / global_response_headers applied. */
export function shapedResponseHeaders(headers: string[], shaping: ForwardShaping): string[] {
  const kept = shaping.responseRemove === null ? headers : withoutNamed(headers, shaping.responseRemove);
  const add = shaping.responseAdd;
  for (let i = 0; i < add.length; i++) kept.push(add[i]!);
  return kept;
}
