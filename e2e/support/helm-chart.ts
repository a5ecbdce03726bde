import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { parseAllDocuments, stringify } from 'yaml';
import { repoRoot } from './compose-services.js';

/**
 * The Helm chart (deploy/helm/portcullis) rendered as `helm install` would, without a cluster:
 * `helm template` (the pinned helm of tools/ci/helm.sh, fetched once into .cache/) with the chart's
 * schema and checks, and each object it makes validated against the Kubernetes schemas (the
 * kubernetes-models packages). Those schemas check types, required fields and formats; they let
 * unknown fields pass, so the tests check every field the deployment relies on by name.
 */

export const chartDir = join(repoRoot, 'deploy/helm/portcullis');

const run = promisify(execFile);

let helmPath: Promise<string> | undefined;
/** The helm binary, fetched on first use (tools/ci/helm.sh prints its path). */
function helm(): Promise<string> {
  helmPath ??= run(join(repoRoot, 'tools/ci/helm.sh'), [], { cwd: repoRoot }).then(({ stdout }) => stdout.trim());
  return helmPath;
}

/** The name the chart gives a release's objects: "<release>-portcullis", or the release's own when it holds "portcullis". */
export function fullName(release: string): string {
  return release.includes('portcullis') ? release : `${release}-portcullis`;
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export class RenderError extends Error {}

/** Renders the chart with `values` (merged over values.yaml, as `-f` does); a refused value throws RenderError with helm's message. */
export async function renderChart(values: Record<string, unknown>, release = 'portcullis', namespace = 'portcullis'): Promise<Manifest[]> {
  const folder = await mkdtemp(join(tmpdir(), 'portcullis-chart-'));
  try {
    const valuesFile = join(folder, 'values.yaml');
    await writeFile(valuesFile, stringify(values));
    const { stdout } = await run(await helm(), ['template', release, chartDir, '--namespace', namespace, '-f', valuesFile], {
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stderr?: string; message: string }) => {
      throw new RenderError((error.stderr || error.message).trim());
    });
    return parseAllDocuments(stdout)
      .map((document) => document.toJS() as Manifest | null)
      .filter((manifest): manifest is Manifest => manifest !== null);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** `helm lint --strict` with `values`: its output, or a RenderError with it when the chart fails. */
export async function lintChart(values: Record<string, unknown>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'portcullis-chart-'));
  try {
    const valuesFile = join(folder, 'values.yaml');
    await writeFile(valuesFile, stringify(values));
    const { stdout } = await run(await helm(), ['lint', '--strict', chartDir, '-f', valuesFile]).catch(
      (error: { stdout?: string; stderr?: string; message: string }) => {
        throw new RenderError(`${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || error.message);
      },
    );
    return stdout;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The model (and so the schema) of every kind the chart may make; a kind missing here fails validation. */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/** Throws, naming the object and the schema's complaint, unless `manifest` is valid for its apiVersion and kind. */
export function validateManifest(manifest: Manifest): void {
  const Model = models[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) throw new Error(`${manifest.apiVersion} ${manifest.kind} ${manifest.metadata?.name}: no schema to validate it against`);
  try {
    new Model(manifest as never).validate();
  } catch (error) {
    throw new Error(`${manifest.kind} ${manifest.metadata.name}: ${(error as Error).message}`, { cause: error });
  }
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${manifests.map((m) => `${m.kind} ${m.metadata.name}`).join(', ')}`);
  return found;
}
