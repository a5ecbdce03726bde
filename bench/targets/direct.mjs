/** The upstream itself, no proxy: the most any proxy in this run could reach. */
export default {
  name: 'direct',
  description: 'the upstream node:http server called directly (no proxy; not pinned)',
  async start(ctx) {
    return { url: `${ctx.upstream.url}/bench/`, pid: ctx.upstream.pid, stop: async () => {} };
  },
};
