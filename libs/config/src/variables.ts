import { z } from 'zod';

/**
 * The environment variables the services share, each defined once here with its default.
 * An app's own config schema picks the ones it needs and shapes them into nested settings.
 */

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const env = {
  /** Where this service's HTTP server binds. */
  HOST: z.string().min(1).default('0.0.0.0'),
  GATEWAY_PORT: port(8080),
  REGISTRY_PORT: port(3001),
  AUTH_PORT: port(3002),
  NATS_URL: z
    .string()
    .default('nats://127.0.0.1:4222')
    .transform((value) =>
      value
        .split(',')
        .map((server) => server.trim())
        .filter(Boolean),
    ),
  /** Put in front of every NATS subject, e.g. `staging.`: deployments sharing one NATS stay apart. */
  NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9_-]+\.)*$/, 'must be empty or dot-terminated tokens, e.g. "staging."')
    .default(''),
  /**
   * Copies JetStream keeps of the streams the services create (the analytics stream): 1 for one
   * NATS server, 3 for a 3-node JetStream cluster, so a stream outlives one server. NATS refuses
   * more than the cluster has servers. An existing stream is brought to this count at start.
   */
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  DATABASE_URL: z
    .string()
    .default('postgres://postgres@127.0.0.1:5432/postgres')
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// URL'),
  ADMIN_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /**
   * Seals certificates' private keys (Tyk's security.private_certificate_encoding_secret): in the
   * registry's database and on the bus to the gateways. Registry and gateways must share it; unset,
   * both derive it from ADMIN_SECRET. Changing it (or ADMIN_SECRET, when unset) leaves stored keys
   * unopenable: their certificates must be uploaded again.
   */
  CERTIFICATE_ENCRYPTION_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest JSON body the admin APIs accept. */
  ADMIN_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /** Upstream timeout for APIs that set none (Tyk's proxy_default_timeout, in seconds). */
  PROXY_DEFAULT_TIMEOUT: z.coerce.number().positive().default(30),
  /** How long the gateway waits for the registry's snapshot before asking again. */
  SNAPSHOT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
} as const;

export type SharedVariable = keyof typeof env;
