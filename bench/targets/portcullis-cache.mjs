import { portcullisTarget } from './portcullis.mjs';

const keyless = portcullisTarget('portcullis-cache', '', {
  // Tyk's cache_options as its docs show them, every safe request cached; the memory cache (no REDIS_URL).
  cache_options: {
    enable_cache: true,
    cache_timeout: 3600,
    cache_all_safe_requests: true,
    enable_upstream_cache_control: false,
    cache_by_headers: [],
    cache_response_codes: [200],
  },
});

/**
 * The keyless gateway with Tyk's response cache on: after the first request every GET is a hit,
 * answered from the gateway's memory without an upstream call (issue 13's goal: faster than
 * `portcullis`). The upstream-served count in the report shows how few requests reached it.
 */
export default {
  name: 'portcullis-cache',
  description: 'the Portcullis gateway (distributed), keyless API with cache_options (every safe request cached, in memory): cache hits',
  async start(ctx) {
    const started = await keyless.start(ctx);
    try {
      // Measured only once answers come from the cache: a figure of misses would say nothing of hits.
      const response = await fetch(started.url);
      await response.arrayBuffer();
      if (response.headers.get('x-tyk-cached-response') !== '1') throw new Error('portcullis-cache: the second request was not a cache hit');
      return started;
    } catch (error) {
      await started.stop();
      throw error;
    }
  },
};
