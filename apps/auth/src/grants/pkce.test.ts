import { describe, expect, it } from 'vitest';
import { verifierMatches } from './pkce.js';

// RFC 7636 Appendix B.
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('verifierMatches', () => {
  it('accepts the RFC 7636 example', () => {
    expect(verifierMatches(verifier, challenge)).toBe(true);
  });

  it('refuses another verifier, and the challenge itself presented as verifier (plain)', () => {
    expect(verifierMatches(verifier.replace('d', 'e'), challenge)).toBe(false);
    expect(verifierMatches(challenge, challenge)).toBe(false);
  });

  it('refuses verifiers outside RFC 7636 syntax', () => {
    expect(verifierMatches('short', challenge)).toBe(false);
    expect(verifierMatches(verifier + '!', challenge)).toBe(false);
    expect(verifierMatches('a'.repeat(129), challenge)).toBe(false);
  });
});
