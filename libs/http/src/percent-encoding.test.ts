import { describe, expect, it } from 'vitest';
import { isWellFormedPercentEncoding } from './percent-encoding.js';

describe('isWellFormedPercentEncoding', () => {
  it('accepts text without escapes and escapes of well-formed UTF-8', () => {
    for (const text of ['/orders/1', '/a%2Fb', '/caf%C3%A9', '/%E2%80%AE', '/%F0%9F%98%80', 'a=1&b=%20'])
      expect(isWellFormedPercentEncoding(text), text).toBe(true);
  });

  it('refuses overlong forms, lone surrogates, stray and truncated bytes, broken escapes', () => {
    for (const text of ['/%C0%AE%C0%AE/admin', '/%C0%AF', '/%ED%A0%80', '/%FF', '/%E2%80', '/%E0%A4%A', '/%zz', '/%'])
      expect(isWellFormedPercentEncoding(text), text).toBe(false);
  });
});
