import { checkPayload, registrySnapshotPageEnvelopeSchema, snapshotPageSections } from '@portcullis/contracts';
import type { RegistrySnapshotRequest } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';

/** Asks the registry for one snapshot page (over the bus; a fake in tests). */
export type SnapshotPageRequester = (request: RegistrySnapshotRequest) => Promise<unknown>;

/**
 * How many times the pages are asked for again from the first when the snapshot changed while they
 * were read, before the failure goes to the sync (which retries with backoff).
 */
const RESTARTS = 3;

/** The snapshot the pages were cut from is gone (the configuration changed meanwhile). */
class SnapshotMoved extends Error {}

/**
 * The registry's snapshot, asked for page by page (each reply stays under NATS's max_payload) and
 * assembled: one request when it fits in one page. Every page must name the first page's
 * snapshot_id, so the assembly is one revision or nothing. Only the pages' envelopes are checked
 * here; the assembled snapshot is checked whole by the sync, as a one-page one always was.
 */
export async function fetchSnapshotInPages(ask: SnapshotPageRequester, restarts = RESTARTS): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await assemble(ask);
    } catch (error) {
      if (!(error instanceof SnapshotMoved) || attempt >= restarts) throw error;
    }
  }
}

async function assemble(ask: SnapshotPageRequester): Promise<unknown> {
  const first = envelope(await ask({}));
  const snapshot: Record<string, unknown> = { ...first };
  for (const field of ['snapshot_id', 'page', 'pages']) delete snapshot[field];
  for (let page = 1; page < first.pages; page++) {
    const next = envelope(await askLater(ask, { snapshot_id: first.snapshot_id, page }));
    if (next.snapshot_id !== first.snapshot_id || next.page !== page || next.pages !== first.pages)
      throw new SnapshotMoved(`snapshot ${first.snapshot_id} changed while its pages were read`);
    for (const section of snapshotPageSections) {
      const items = next[section];
      if (items === undefined) continue;
      const into = (snapshot[section] ??= []) as unknown[];
      for (const item of items) into.push(item);
    }
  }
  return snapshot;
}

/** A later page: `conflict` is the registry saying the snapshot is gone, so start again. */
async function askLater(ask: SnapshotPageRequester, request: RegistrySnapshotRequest): Promise<unknown> {
  try {
    return await ask(request);
  } catch (error) {
    if (error instanceof PortcullisError && error.code === 'conflict') throw new SnapshotMoved(error.message);
    throw error;
  }
}

function envelope(reply: unknown) {
  const checked = checkPayload(registrySnapshotPageEnvelopeSchema, reply);
  if (!checked.ok) throw new Error(`malformed snapshot page (${checked.problems.map((problem) => problem.field).join(', ')})`);
  return checked.value;
}
