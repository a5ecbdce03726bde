import { z } from '@portcullis/config';

/**
 * The OpenTelemetry variables the gateway reads: the names and meanings of the OpenTelemetry SDK
 * specification (sdk-environment-variables), so a setting known from other services works here.
 * Only the ones that apply to a trace exporter over OTLP/HTTP are read; they are validated with
 * the rest of the gateway's configuration and passed to the SDK explicitly.
 */
export const tracingVariables = {
  /** `otlp` turns the trace export on; `none` (the default) leaves tracing out entirely. */
  OTEL_TRACES_EXPORTER: z.enum(['none', 'otlp']).default('none'),
  /** The collector's base URL; traces go to `{endpoint}/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/ })
    .transform((value) => value.replace(/\/+$/, ''))
    .default('http://localhost:4318'),
  /** The full traces URL, used as it is (overrides OTEL_EXPORTER_OTLP_ENDPOINT). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
    .url({ protocol: /^https?$/ })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** `name=value,name=value`: headers sent with every export (a collector's API key). */
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const headers: Record<string, string> = {};
      for (const pair of value.split(',')) {
        if (pair.trim() === '') continue;
        const equals = pair.indexOf('=');
        const name = equals === -1 ? '' : pair.slice(0, equals).trim();
        if (name === '') ctx.addIssue({ code: 'custom', message: `"${pair.trim()}" is not name=value` });
        else headers[name] = decodeURIComponent(pair.slice(equals + 1).trim());
      }
      return headers;
    }),
  /** How long one export may take. */
  OTEL_EXPORTER_OTLP_TIMEOUT: z.coerce.number().int().min(100).max(300_000).default(10_000),
  OTEL_SERVICE_NAME: z.string().min(1).default('portcullis-gateway'),
  /** The specification's sampler names; parentbased_* follow an incoming traceparent's sampled flag. */
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .default('parentbased_always_on'),
  /** The *traceidratio samplers' ratio: the share of new traces recorded, 0 to 1. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** The batch span processor: how often a batch leaves, its largest size, and the most spans waiting (more are dropped and counted). */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(10).max(600_000).default(5_000),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(512),
  OTEL_BSP_MAX_QUEUE_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(2_048),
};

type TracingVariables = z.output<z.ZodObject<typeof tracingVariables>>;

export type Sampling = TracingVariables['OTEL_TRACES_SAMPLER'];

/** What the trace export needs, decided at start. */
export interface TracingSettings {
  readonly serviceName: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly sampler: Sampling;
  readonly ratio: number;
  readonly scheduleDelayMs: number;
  readonly maxBatchSize: number;
  readonly maxQueueSize: number;
}

/** The settings when OTEL_TRACES_EXPORTER=otlp; null otherwise (no tracing). */
export function tracingSettings(vars: TracingVariables): TracingSettings | null {
  if (vars.OTEL_TRACES_EXPORTER === 'none') return null;
  return {
    serviceName: vars.OTEL_SERVICE_NAME,
    url: vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${vars.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`,
    headers: vars.OTEL_EXPORTER_OTLP_HEADERS,
    timeoutMs: vars.OTEL_EXPORTER_OTLP_TIMEOUT,
    sampler: vars.OTEL_TRACES_SAMPLER,
    ratio: vars.OTEL_TRACES_SAMPLER_ARG,
    scheduleDelayMs: vars.OTEL_BSP_SCHEDULE_DELAY,
    // The specification: a batch is never larger than the queue.
    maxBatchSize: Math.min(vars.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, vars.OTEL_BSP_MAX_QUEUE_SIZE),
    maxQueueSize: vars.OTEL_BSP_MAX_QUEUE_SIZE,
  };
}
