import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeWithRedis, testServices } from '../../../tools/test/with-services.js';
import { RedisResponseCache } from '../src/data-plane/cache/response-cache.js';

const body = (size: number) => Buffer.alloc(size, 'x');

describeWithRedis("RedisResponseCache on the machine's Redis", () => {
  it("two stores on one Redis share answers, and one purge drops the API's answers for both", async () => {
    const prefix = `portcullis:cache:test-${randomBytes(4).toString('hex')}:`;
    const log = { warn: () => undefined };
    const one = new RedisResponseCache(testServices.redisUrl, prefix, log);
    const two = new RedisResponseCache(testServices.redisUrl, prefix, log);
    try {
      await new Promise((resolve) => setTimeout(resolve, 0));
      const wait = async () => {
        for (let i = 0; i < 100 && (await one.get('x', 'probe').catch(() => null)) === null; i++) {
          one.set('x', 'probe', 204, [], body(0), 10_000);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await wait();
      one.set('api', 'k', 200, ['content-type', 'application/json'], Buffer.from('{"a":1}'), 10_000);
      one.set('other', 'k', 200, [], Buffer.from('other'), 10_000);
      let found = null;
      for (let i = 0; i < 50 && found === null; i++) found = await two.get('api', 'k');
      expect(found).toMatchObject({ status: 200, headers: ['content-type', 'application/json', 'X-Tyk-Cached-Response', '1'], body: Buffer.from('{"a":1}') });
      expect(await two.purge('api')).toBe(1);
      expect(await one.get('api', 'k')).toBeNull();
      expect(await one.get('other', 'k')).not.toBeNull();
      await one.purge('other');
      await one.purge('x');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
