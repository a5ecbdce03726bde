import direct from './direct.mjs';
import fastifyHttpProxy from './fastify-http-proxy.mjs';
import nginx from './nginx.mjs';
import nodeMinimal from './node-minimal.mjs';
import portcullis from './portcullis.mjs';

/**
 * Every target, in the order each round runs them. Adding one: a file beside this one
 * (see ../lib/target.mjs for the interface) and a line here.
 */
export const targets = [
  direct,
  portcullis,
  fastifyHttpProxy,
  nodeMinimal,
  nginx,
];

/** Ratios in the report are to these, when they ran. */
export const references = ['nginx', 'node-minimal'];
