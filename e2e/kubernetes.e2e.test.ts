import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../tools/test/services.js';
import { describeWithServices } from '../tools/test/with-services.js';
import { composeDefinition, portVariable, serviceNames, type ServiceName } from './support/compose-services.js';
import { configVariables, loadServiceConfig } from './support/config-schemas.js';
import { createScratchDatabase } from './support/database.js';
import { find, fullName, lintChart, renderChart, RenderError, validateManifest, type Manifest } from './support/helm-chart.js';
import { freePort, runSubjectPrefix, spawnNode, StopWaiting, waitFor, type SpawnedProcess } from './support/processes.js';

/**
 * There is no cluster here, so the Helm chart (deploy/helm/portcullis) is checked as
 * compose.e2e.test.ts checks docker-compose.yml: rendered with `helm template` (default values and
 * others), every object validated against the Kubernetes schemas, each container's command and
 * environment held against docker-compose.yml and the service's config schema, bad values refused
 * with their message, and the three services run as plain processes with exactly the environment
 * the chart gives them, answering on the paths and ports its probes name.
 */

const adminSecret = randomBytes(24).toString('base64url');
const required = { secrets: { adminSecret, databaseUrl: 'postgres://portcullis:a-password@postgres.db.svc:5432/portcullis' } };

/** Every value changed from its default, where a value has a choice. */
const custom = {
  image: { repository: 'registry.example.com/portcullis', tag: '1.2.3', pullPolicy: 'Always' },
  secrets: {
    ...required.secrets,
    certificateEncryptionSecret: randomBytes(32).toString('base64url'),
    keyEncryptionSecret: randomBytes(32).toString('base64url'),
    redisUrl: 'redis://:a-password@redis.cache.svc:6379',
    otlpHeaders: 'x-api-key=a-collector-key',
    portalOidcClientSecret: randomBytes(24).toString('base64url'),
    consoleOidcClientSecret: randomBytes(24).toString('base64url'),
  },
  nats: {
    url: 'nats://portcullis:a-password@nats-0.nats:4222,nats://portcullis:a-password@nats-1.nats:4222,nats://portcullis:a-password@nats-2.nats:4222',
    urlFromSecret: true,
    subjectPrefix: 'staging.',
    streamReplicas: 5,
  },
  publicUrls: { gateway: 'https://api.example.com', registry: 'https://portal.example.com', auth: 'https://auth.example.com' },
  logLevel: 'debug',
  registry: {
    replicas: 4,
    port: 4001,
    portalRequireApproval: true,
    portalOidc: { issuer: 'https://login.example.com', clientId: 'portcullis-portal', name: 'Example SSO' },
    portalPasswordLogin: false,
    consoleOidc: { issuer: 'https://staff.example.com', clientId: 'portcullis-console', name: 'Staff SSO', operators: ['ada@example.com', 'bob@example.com'] },
    extraEnv: { ANALYTICS_MINUTES_RETENTION_DAYS: 3 },
    podDisruptionBudget: { enabled: false, maxUnavailable: 1 },
  },
  auth: { replicas: 0, port: 4002, issuer: 'https://id.example.com', spreadAcrossNodes: false },
  gateway: {
    replicas: 7,
    port: 9080,
    autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 1, targetCPUUtilizationPercentage: 50 },
    extraEnv: { TRUSTED_PROXIES: '10.0.0.0/8', ANALYTICS_ENABLED: false },
    preStopSleepSeconds: 20,
    terminationGracePeriodSeconds: 35,
    service: { type: 'LoadBalancer', annotations: { 'example.com/lb': 'internal' } },
    podDisruptionBudget: { enabled: true, maxUnavailable: '50%' },
  },
  serviceMonitor: { enabled: true, interval: '15s', labels: { release: 'prometheus' } },
};

/** What the chart sets beyond docker-compose.yml's environment, and why (checked exactly). */
const beyondCompose: Record<ServiceName, string[]> = {
  // The subject prefix is a value (compose leaves it at its default); the stream's replicas follow the NATS cluster.
  registry: ['NATS_SUBJECT_PREFIX', 'NATS_STREAM_REPLICAS'],
  // Several auth pods behind one public address: the issuer is that address, not a pod's own.
  auth: ['NATS_SUBJECT_PREFIX', 'AUTH_ISSUER', 'KEY_ENCRYPTION_SECRET'],
  // Secrets compose leaves to the operator's own additions: shared limits in Redis, a trace collector's key.
  gateway: ['NATS_SUBJECT_PREFIX', 'NATS_STREAM_REPLICAS', 'REDIS_URL', 'OTEL_EXPORTER_OTLP_HEADERS'],
};

interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  command: string[];
  env: EnvEntry[];
  ports: { name: string; containerPort: number }[];
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  lifecycle: { preStop: { exec: { command: string[] } } };
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: Record<string, unknown>;
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds: number;
  securityContext: Record<string, unknown>;
}
interface DeploymentShape {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

const deploymentName = (release: string, service: ServiceName) => `${fullName(release)}-${service}`;

function containerOf(manifests: Manifest[], release: string, service: ServiceName): { deployment: DeploymentShape; pod: PodSpec; container: Container } {
  const deployment = find(manifests, 'Deployment', deploymentName(release, service)) as unknown as DeploymentShape;
  const pod = deployment.spec.template.spec;
  expect(pod.containers).toHaveLength(1);
  return { deployment, pod, container: pod.containers[0]! };
}

/** The container's environment as the kubelet would give it: secret references read from the rendered Secret, absent optional keys left unset. */
function resolveEnv(manifests: Manifest[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env) {
    if (entry.value !== undefined) {
      env[entry.name] = entry.value;
      continue;
    }
    const ref = entry.valueFrom?.secretKeyRef;
    if (!ref) throw new Error(`${container.name}: ${entry.name} has neither a value nor a secretKeyRef`);
    const secret = find(manifests, 'Secret', ref.name) as unknown as { stringData?: Record<string, string> };
    const value = secret.stringData?.[ref.key];
    if (value !== undefined) env[entry.name] = value;
    else if (!ref.optional) throw new Error(`${container.name}: ${entry.name} reads ${ref.name}/${ref.key}, which the Secret lacks`);
  }
  return env;
}

/** The container port a probe (or Service) names, by name or number. */
function portOf(container: Container, port: string | number): number {
  if (typeof port === 'number') return port;
  const named = container.ports.find((candidate) => candidate.name === port);
  if (!named) throw new Error(`${container.name} has no port named ${port}`);
  return named.containerPort;
}

const valueSets = [
  { label: 'default values', release: 'portcullis', values: required },
  { label: 'other values', release: 'edge', values: custom },
];

describe('the Helm chart', () => {
  const rendered = new Map<string, Manifest[]>();

  beforeAll(async () => {
    for (const set of valueSets) rendered.set(set.label, await renderChart(set.values, set.release));
  });

  for (const set of valueSets) {
    describe(`with ${set.label}`, () => {
      const manifests = () => rendered.get(set.label)!;

      it('passes helm lint --strict', async () => {
        expect(await lintChart(set.values)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
      });

      it('renders objects that are each valid for the Kubernetes schemas', () => {
        expect(manifests().length).toBeGreaterThan(0);
        for (const manifest of manifests()) validateManifest(manifest);
      });

      it('makes what the values ask for, and nothing else', () => {
        const kinds = manifests()
          .map((manifest) => `${manifest.kind} ${manifest.metadata.name}`)
          .sort();
        const release = set.release;
        const perService = (kind: string, services: readonly ServiceName[]) => services.map((service) => `${kind} ${deploymentName(release, service)}`);
        const isCustom = set.values === custom;
        expect(kinds).toEqual(
          [
            `Secret ${fullName(release)}`,
            ...perService('Deployment', serviceNames),
            ...perService('Service', serviceNames),
            ...perService('PodDisruptionBudget', isCustom ? ['auth', 'gateway'] : serviceNames),
            ...(isCustom ? [`ServiceMonitor ${deploymentName(release, 'gateway')}`] : [`HorizontalPodAutoscaler ${deploymentName(release, 'gateway')}`]),
          ].sort(),
        );
      });

      for (const service of serviceNames) {
        describe(service, () => {
          it('runs the command docker-compose.yml runs, from the chosen image', () => {
            const { container } = containerOf(manifests(), set.release, service);
            expect(container.command).toEqual(composeDefinition(service).command);
            const image = set.values === custom ? 'registry.example.com/portcullis:1.2.3' : 'portcullis:0.1.0';
            expect(container.image).toBe(image);
          });

          it("sets only variables its config schema reads, every one it requires, docker-compose.yml's, and the listed others", async () => {
            const { known, required: requiredVariables } = await configVariables(service);
            const { container } = containerOf(manifests(), set.release, service);
            const names = container.env.map((entry) => entry.name);
            expect(new Set(names).size, 'no variable twice').toBe(names.length);
            expect(names.filter((name) => !known.includes(name))).toEqual([]);
            expect(requiredVariables.filter((name) => !names.includes(name))).toEqual([]);
            const fromCompose = Object.keys(composeDefinition(service).env);
            expect(fromCompose.filter((name) => !names.includes(name))).toEqual([]);
            const extra = set.values === custom ? Object.keys((custom[service] as { extraEnv?: Record<string, unknown> }).extraEnv ?? {}) : [];
            expect(names.filter((name) => !fromCompose.includes(name)).sort()).toEqual([...beyondCompose[service], ...extra].sort());
          });

          it('reads every secret from the Secret, none as a plain value', () => {
            const { container } = containerOf(manifests(), set.release, service);
            for (const name of [
              'ADMIN_SECRET',
              'DATABASE_URL',
              'CERTIFICATE_ENCRYPTION_SECRET',
              'KEY_ENCRYPTION_SECRET',
              'REDIS_URL',
              'OTEL_EXPORTER_OTLP_HEADERS',
              'PORTAL_OIDC_CLIENT_SECRET',
              'CONSOLE_OIDC_CLIENT_SECRET',
            ]) {
              const entry = container.env.find((candidate) => candidate.name === name);
              if (entry) expect(entry.valueFrom?.secretKeyRef, name).toEqual(expect.objectContaining({ name: fullName(set.release), key: name }));
            }
          });

          it('gives values the service accepts', async () => {
            const { container } = containerOf(manifests(), set.release, service);
            await expect(loadServiceConfig(service, resolveEnv(manifests(), container))).resolves.toBeTruthy();
          });

          it('listens where its probes, port and Service point: /health for startup and liveness, /ready for readiness', () => {
            const { container } = containerOf(manifests(), set.release, service);
            const env = resolveEnv(manifests(), container);
            const port = Number(env[portVariable[service]]);
            expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
            expect(container.startupProbe.httpGet.path).toBe('/health');
            expect(container.livenessProbe.httpGet.path).toBe('/health');
            expect(container.readinessProbe.httpGet.path).toBe('/ready');
            for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe])
              expect(portOf(container, probe.httpGet.port)).toBe(port);
            expect(env.HOST).toBe('0.0.0.0');
            const serviceObject = find(manifests(), 'Service', deploymentName(set.release, service)) as unknown as {
              spec: { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] };
            };
            expect(serviceObject.spec.ports).toHaveLength(1);
            expect(portOf(container, serviceObject.spec.ports[0]!.targetPort)).toBe(port);
          });

          it('selects its own pods only, from its Service, Deployment and disruption budget', () => {
            const { deployment } = containerOf(manifests(), set.release, service);
            const podLabels = deployment.spec.template.metadata.labels;
            const selects = (selector: Record<string, string>) => Object.entries(selector).every(([key, value]) => podLabels[key] === value);
            expect(podLabels['app.kubernetes.io/component']).toBe(service);
            expect(selects(deployment.spec.selector.matchLabels)).toBe(true);
            const serviceObject = find(manifests(), 'Service', deploymentName(set.release, service)) as unknown as {
              spec: { selector: Record<string, string> };
            };
            expect(serviceObject.spec.selector).toEqual(deployment.spec.selector.matchLabels);
            const budget = manifests().find(
              (manifest) => manifest.kind === 'PodDisruptionBudget' && manifest.metadata.name === deploymentName(set.release, service),
            ) as { spec: { selector: { matchLabels: Record<string, string> } } } | undefined;
            if (budget) expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
          });

          it('runs as a non-root user on a read-only root filesystem, without capabilities, with requests and a memory limit', () => {
            const { pod, container } = containerOf(manifests(), set.release, service);
            expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true, runAsUser: 1000 }));
            expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
            expect(Object.keys(container.resources.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
            expect(container.resources.limits?.memory).toBeTruthy();
          });

          it('sleeps in preStop (still serving while it leaves the endpoints) within a grace period that covers the sleep and the drain', async () => {
            const { DRAIN_MS } = await import('../apps/gateway/src/config.js');
            const { pod, container } = containerOf(manifests(), set.release, service);
            const [program, seconds] = container.lifecycle.preStop.exec.command;
            expect(program).toBe('sleep');
            const sleep = Number(seconds);
            expect(sleep).toBeGreaterThan(0);
            // The gateway's own drain, then up to ~10 s for its last analytics flush and closing its connections.
            const drainSeconds = service === 'gateway' ? DRAIN_MS / 1000 + 10 : 10;
            expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(sleep + drainSeconds);
          });
        });
      }
    });
  }

  it("with default values: the gateway count is the autoscaler's, registry and auth have theirs; NATS is the official chart's with 3 stream replicas", () => {
    const manifests = rendered.get('default values')!;
    expect(containerOf(manifests, 'portcullis', 'gateway').deployment.spec.replicas).toBeUndefined();
    expect(containerOf(manifests, 'portcullis', 'registry').deployment.spec.replicas).toBe(2);
    expect(containerOf(manifests, 'portcullis', 'auth').deployment.spec.replicas).toBe(2);
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'portcullis-gateway') as unknown as {
      spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
    };
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'portcullis-gateway' });
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    for (const service of ['registry', 'gateway'] as const) {
      const env = resolveEnv(manifests, containerOf(manifests, 'portcullis', service).container);
      expect(env.NATS_URL).toBe('nats://nats:4222');
      expect(env.NATS_STREAM_REPLICAS).toBe('3');
    }
    // Optional secrets left empty are unset, so each service derives or goes without them.
    const secret = find(manifests, 'Secret', 'portcullis') as unknown as { stringData: Record<string, string> };
    expect(Object.keys(secret.stringData).sort()).toEqual(['ADMIN_SECRET', 'DATABASE_URL']);
  });

  it('with other values: each count, port, URL and secret is the one given', () => {
    const manifests = rendered.get('other values')!;
    expect(containerOf(manifests, 'edge', 'gateway').deployment.spec.replicas).toBe(7);
    expect(containerOf(manifests, 'edge', 'registry').deployment.spec.replicas).toBe(4);
    expect(containerOf(manifests, 'edge', 'auth').deployment.spec.replicas).toBe(0);
    const gateway = resolveEnv(manifests, containerOf(manifests, 'edge', 'gateway').container);
    expect(gateway).toEqual(
      expect.objectContaining({
        NATS_URL: custom.nats.url,
        NATS_SUBJECT_PREFIX: 'staging.',
        NATS_STREAM_REPLICAS: '5',
        GATEWAY_PORT: '9080',
        REDIS_URL: custom.secrets.redisUrl,
        OTEL_EXPORTER_OTLP_HEADERS: custom.secrets.otlpHeaders,
        CERTIFICATE_ENCRYPTION_SECRET: custom.secrets.certificateEncryptionSecret,
        AUTH_PUBLIC_URL: 'https://auth.example.com',
        TRUSTED_PROXIES: '10.0.0.0/8',
        ANALYTICS_ENABLED: 'false',
        LOG_LEVEL: 'debug',
      }),
    );
    const registry = resolveEnv(manifests, containerOf(manifests, 'edge', 'registry').container);
    expect(registry).toEqual(
      expect.objectContaining({
        PORTAL_PUBLIC_URL: 'https://portal.example.com',
        PORTAL_REQUIRE_APPROVAL: 'true',
        ANALYTICS_MINUTES_RETENTION_DAYS: '3',
        PORTAL_OIDC_ISSUER: 'https://login.example.com',
        PORTAL_OIDC_CLIENT_ID: 'portcullis-portal',
        PORTAL_OIDC_CLIENT_SECRET: custom.secrets.portalOidcClientSecret,
        PORTAL_OIDC_NAME: 'Example SSO',
        PORTAL_PASSWORD_LOGIN: 'false',
        CONSOLE_OIDC_ISSUER: 'https://staff.example.com',
        CONSOLE_OIDC_CLIENT_ID: 'portcullis-console',
        CONSOLE_OIDC_CLIENT_SECRET: custom.secrets.consoleOidcClientSecret,
        CONSOLE_OIDC_NAME: 'Staff SSO',
        CONSOLE_OIDC_OPERATORS: 'ada@example.com,bob@example.com',
      }),
    );
    expect(registry.CERTIFICATE_ENCRYPTION_SECRET).toBe(gateway.CERTIFICATE_ENCRYPTION_SECRET);
    const auth = resolveEnv(manifests, containerOf(manifests, 'edge', 'auth').container);
    expect(auth).toEqual(expect.objectContaining({ AUTH_ISSUER: 'https://id.example.com', KEY_ENCRYPTION_SECRET: custom.secrets.keyEncryptionSecret }));
    const monitor = find(manifests, 'ServiceMonitor', 'edge-portcullis-gateway') as unknown as {
      metadata: { labels: Record<string, string> };
      spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string; interval: string }[] };
    };
    const service = find(manifests, 'Service', 'edge-portcullis-gateway') as unknown as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: { type: string; ports: { name: string }[] };
    };
    expect(monitor.metadata.labels.release).toBe('prometheus');
    expect(Object.entries(monitor.spec.selector.matchLabels).every(([key, value]) => service.metadata.labels[key] === value)).toBe(true);
    expect(monitor.spec.endpoints).toEqual([{ port: service.spec.ports[0]!.name, path: '/metrics', interval: '15s' }]);
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.metadata.annotations).toEqual({ 'example.com/lb': 'internal' });
  });

  it('with secrets.existingSecret: makes no Secret and reads every secret from the one named', async () => {
    const manifests = await renderChart({ secrets: { existingSecret: 'portcullis-secrets' } });
    for (const manifest of manifests) validateManifest(manifest);
    expect(manifests.filter((manifest) => manifest.kind === 'Secret')).toEqual([]);
    for (const service of serviceNames) {
      const { container } = containerOf(manifests, 'portcullis', service);
      const refs = container.env.filter((entry) => entry.valueFrom).map((entry) => entry.valueFrom!.secretKeyRef!);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(ref.name).toBe('portcullis-secrets');
      // Required ones are not optional: a Secret without them keeps the pod from starting, saying which key.
      expect(refs.find((ref) => ref.key === 'ADMIN_SECRET')?.optional).toBeUndefined();
    }
  });

  const badValues: { what: string; values: Record<string, unknown>; message: RegExp }[] = [
    { what: 'a negative replica count', values: { ...required, registry: { replicas: -1 } }, message: /'\/registry\/replicas': minimum: got -1, want 0/ },
    {
      what: 'no admin secret',
      values: { secrets: { databaseUrl: required.secrets.databaseUrl } },
      message: /'\/secrets\/adminSecret': minLength: got 0, want 16/,
    },
    {
      what: 'a short admin secret',
      values: { secrets: { ...required.secrets, adminSecret: 'short' } },
      message: /'\/secrets\/adminSecret': minLength: got 5, want 16/,
    },
    { what: 'no database URL', values: { secrets: { adminSecret } }, message: /'\/secrets\/databaseUrl'.*postgres/ },
    {
      what: 'a database URL that is not PostgreSQL',
      values: { secrets: { ...required.secrets, databaseUrl: 'mysql://db/portcullis' } },
      message: /'\/secrets\/databaseUrl'.*postgres/,
    },
    {
      what: 'a short certificate secret',
      values: { secrets: { ...required.secrets, certificateEncryptionSecret: 'too-short' } },
      message: /'\/secrets\/certificateEncryptionSecret': minLength: got 9, want 32/,
    },
    {
      what: 'a Redis URL that is not one',
      values: { secrets: { ...required.secrets, redisUrl: 'http://redis:6379' } },
      message: /'\/secrets\/redisUrl'.*redis/,
    },
    {
      what: "stream replicas beyond JetStream's 5",
      values: { ...required, nats: { streamReplicas: 6 } },
      message: /'\/nats\/streamReplicas': maximum: got 6, want 5/,
    },
    { what: 'no stream replica', values: { ...required, nats: { streamReplicas: 0 } }, message: /'\/nats\/streamReplicas': minimum: got 0, want 1/ },
    { what: 'a NATS URL that is not one', values: { ...required, nats: { url: 'http://nats:4222' } }, message: /'\/nats\/url'/ },
    { what: 'a public URL with a query', values: { ...required, publicUrls: { gateway: 'https://api.example.com/?x=1' } }, message: /'\/publicUrls\/gateway'/ },
    { what: 'a misspelt value', values: { ...required, gateway: { replica: 3 } }, message: /'\/gateway': additional properties 'replica' not allowed/ },
    { what: 'a log level the services do not know', values: { ...required, logLevel: 'loud' }, message: /'\/logLevel'/ },
    {
      what: 'a gateway grace period shorter than its preStop sleep and drain',
      values: { ...required, gateway: { preStopSleepSeconds: 10, terminationGracePeriodSeconds: 24 } },
      message: /gateway\.terminationGracePeriodSeconds \(24\) must be at least gateway\.preStopSleepSeconds \+ 15 = 25/,
    },
    {
      what: 'more autoscaler minimum than maximum',
      values: { ...required, gateway: { autoscaling: { minReplicas: 5, maxReplicas: 2 } } },
      message: /gateway\.autoscaling\.minReplicas \(5\) is more than gateway\.autoscaling\.maxReplicas \(2\)/,
    },
    {
      what: 'an extraEnv variable the chart sets itself',
      values: { ...required, gateway: { extraEnv: { ADMIN_SECRET: 'x'.repeat(20) } } },
      message: /gateway\.extraEnv\.ADMIN_SECRET: the chart sets ADMIN_SECRET itself/,
    },
  ];

  for (const bad of badValues) {
    it(`refuses ${bad.what}, saying what is wrong`, async () => {
      const error = await renderChart(bad.values).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error, 'rendered anyway').toBeInstanceOf(RenderError);
      expect((error as RenderError).message).toMatch(bad.message);
    });
  }

  it('the grace period check is exact: preStopSleepSeconds + 15 renders', async () => {
    await expect(renderChart({ ...required, gateway: { preStopSleepSeconds: 10, terminationGracePeriodSeconds: 25 } })).resolves.toBeTruthy();
  });
});

describeWithServices("the chart's containers, run as plain processes with exactly its environment", () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  const started: { service: ServiceName; process: SpawnedProcess; container: Container }[] = [];

  beforeAll(async () => {
    database = await createScratchDatabase('e2e_k8s');
    // The machine's NATS and PostgreSQL stand for the cluster's; a single NATS server, so one
    // stream replica. Everything else is the chart's defaults, rendered and used as it is.
    const values = {
      secrets: { adminSecret, databaseUrl: database.url },
      nats: { url: testServices.natsUrl, subjectPrefix: runSubjectPrefix, streamReplicas: 1 },
      registry: { port: await freePort() },
      auth: { port: await freePort() },
      gateway: { port: await freePort() },
    };
    const manifests = await renderChart(values);
    // The order of compose's depends_on: registry and auth, then the gateway.
    for (const service of ['registry', 'auth', 'gateway'] satisfies ServiceName[]) {
      const { container } = containerOf(manifests, 'portcullis', service);
      const [program, ...args] = container.command;
      expect(program).toBe('node');
      const spawned = spawnNode(args, { NODE_ENV: 'production', ...resolveEnv(manifests, container) });
      started.push({ service, process: spawned, container });
      const port = portOf(container, container.startupProbe.httpGet.port);
      await waitFor(
        async () => {
          if (spawned.child.exitCode !== null) throw new StopWaiting(`${service} exited (${spawned.child.exitCode}):\n${spawned.logs()}`);
          return (await fetch(`http://127.0.0.1:${port}${container.startupProbe.httpGet.path}`).catch(() => null))?.status === 200;
        },
        { timeoutMs: 60_000, message: `${service}'s startup probe` },
      );
    }
  });

  afterAll(async () => {
    for (const { process } of started.reverse()) await process.stop();
    await database?.drop();
  });

  it('each answers its liveness and readiness probes on the port they name', async () => {
    for (const { service, process, container } of started) {
      for (const probe of [container.livenessProbe, container.readinessProbe]) {
        const url = `http://127.0.0.1:${portOf(container, probe.httpGet.port)}${probe.httpGet.path}`;
        await waitFor(async () => (await fetch(url)).status === 200, { timeoutMs: 15_000, message: `${service} ${url}` }).catch((error: Error) => {
          throw new Error(`${error.message}\n${process.logs()}`);
        });
      }
    }
  });

  it('each stops on SIGTERM (gateway first) and exits 0', async () => {
    for (const { service, process } of [...started].reverse()) expect(await process.stop(), `${service}\n${process.logs()}`).toBe(0);
  });
});
