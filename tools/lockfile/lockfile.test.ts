import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs tool without type declarations
import { missingPlatformEntries, platformOf } from './add-platform-entries.mjs';

describe('package-lock.json', () => {
  it('has an entry for every platform build of an optional native binary (else `npm ci` fails: run npm run lock:platforms)', () => {
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'));
    expect(missingPlatformEntries(lock)).toEqual([]);
  });

  it('reads os, cpu and libc from a platform build name', () => {
    expect(platformOf('@swc/core-linux-x64-musl')).toEqual({ os: ['linux'], cpu: ['x64'], libc: ['musl'] });
    expect(platformOf('@swc/core-linux-arm-gnueabihf')).toEqual({ os: ['linux'], cpu: ['arm'], libc: ['glibc'] });
    expect(platformOf('@nx/nx-darwin-arm64')).toEqual({ os: ['darwin'], cpu: ['arm64'] });
    expect(platformOf('@swc/counter')).toBeNull();
  });
});
