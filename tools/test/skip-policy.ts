/**
 * Whether a test tier may be skipped for want of a service (PostgreSQL, NATS, Redis, Chromium).
 * By default it may not: a missing service fails the run, so a green run always means every tier
 * ran. A developer without one of them opts out explicitly with PORTCULLIS_ALLOW_SKIP=1, which CI
 * never sets (.ci/run unsets it).
 */
export const skipAllowed = process.env.PORTCULLIS_ALLOW_SKIP === '1';

export const howToOptOut = 'To skip these tests on purpose (never in CI), run with PORTCULLIS_ALLOW_SKIP=1.';
