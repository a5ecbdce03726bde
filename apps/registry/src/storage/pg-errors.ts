/** PostgreSQL's SQLSTATE codes for the constraint violations the registry turns into answers. */
const violationCodes = { unique: '23505', foreign_key: '23503' } as const;

/**
 * The constraint a failed write broke, when it broke one of this kind ('' when the driver did not
 * name it); undefined for any other failure. The constraints are the real guard against writers
 * racing past the friendly checks: their violation becomes the same answer the checks give.
 */
export function violatedConstraint(error: unknown, kind: keyof typeof violationCodes): string | undefined {
  const driverError = (error as { driverError?: { code?: unknown; constraint?: unknown } } | null)?.driverError;
  if (driverError?.code !== violationCodes[kind]) return undefined;
  return typeof driverError.constraint === 'string' ? driverError.constraint : '';
}
