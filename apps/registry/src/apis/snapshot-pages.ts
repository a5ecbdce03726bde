import { snapshotPageSections, type RegistrySnapshot, type RegistrySnapshotPage } from '@portcullis/contracts';
import { createHash } from 'node:crypto';

/**
 * The most one snapshot page's items may weigh, serialised: NATS refuses messages over its
 * `max_payload` (1 MB by default), and a quarter of it leaves room for the envelope and for servers
 * set lower. A small configuration fits in one page; 10,000 API definitions make a few dozen.
 */
export const SNAPSHOT_PAGE_MAX_BYTES = 256 * 1024;

/**
 * Cuts a snapshot into pages of at most `maxBytes` of items each (an item larger than that travels
 * alone), keeping every array's order. The snapshot_id is a digest of the whole snapshot: the same
 * content cut again (by another replica, after this one forgot it) gives the same id and the same
 * pages, and any other content another id, so a gateway can never mix two snapshots.
 */
export function snapshotPages(snapshot: RegistrySnapshot, maxBytes = SNAPSHOT_PAGE_MAX_BYTES): RegistrySnapshotPage[] {
  // Each item is serialised once, for its size and for the digest (a second pass over 10,000 APIs costs).
  const digest = createHash('sha256').update(`revision ${snapshot.revision}\n`);
  // Optional arrays stay absent on every page when the snapshot has none (a registry without the store).
  const present = snapshotPageSections.filter((section) => snapshot[section] !== undefined);
  const emptyPage = () => Object.fromEntries(present.map((section) => [section, [] as unknown[]])) as Record<(typeof present)[number], unknown[]>;
  const pages = [emptyPage()];
  let size = 0;
  for (const section of present) {
    digest.update(`${section}\n`);
    for (const item of snapshot[section] as unknown[]) {
      const json = JSON.stringify(item);
      digest.update(json).update('\n');
      const bytes = Buffer.byteLength(json);
      if (size + bytes > maxBytes && size > 0) {
        pages.push(emptyPage());
        size = 0;
      }
      pages.at(-1)![section].push(item);
      size += bytes;
    }
  }
  const snapshotId = digest.digest('base64url');
  return pages.map(
    (items, index) => ({ snapshot_id: snapshotId, revision: snapshot.revision, page: index, pages: pages.length, ...items }) as RegistrySnapshotPage,
  );
}
