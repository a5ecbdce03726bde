import { describe, expect, it } from 'vitest';
import { gatewayTokenEndpoint } from './credential-kind.js';

describe("an OAuth API's token endpoint on the gateway", () => {
  it('is {listen_path}oauth/token/ under the public gateway URL, with or without the trailing slash', () => {
    expect(gatewayTokenEndpoint('https://api.example.com', '/orders/')).toBe('https://api.example.com/orders/oauth/token/');
    expect(gatewayTokenEndpoint('https://api.example.com', '/orders')).toBe('https://api.example.com/orders/oauth/token/');
    expect(gatewayTokenEndpoint('https://api.example.com', '/')).toBe('https://api.example.com/oauth/token/');
  });
});
