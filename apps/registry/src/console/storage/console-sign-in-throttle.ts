import { Injectable } from '@nestjs/common';
import { FailureThrottle } from '@portcullis/database';
import { DataSource } from 'typeorm';

/**
 * Wrong admin secrets a client address may send to the console's sign-in form before it is refused
 * for a while. Per address, not per account: there is one admin secret, and a lock on it would let
 * anyone shut every operator out.
 */
export const consoleSignInLimits = { maxFailures: 10, windowSeconds: 15 * 60, lockSeconds: 15 * 60 } as const;

/** The console's sign-in throttle on its own table, shared by every registry replica. */
@Injectable()
export class ConsoleSignInThrottle extends FailureThrottle {
  constructor(dataSource: DataSource) {
    super(dataSource, 'console_sign_in_failures', consoleSignInLimits);
  }
}
