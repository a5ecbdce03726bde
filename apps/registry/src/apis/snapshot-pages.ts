import { snapshotPageSections, type RegistrySnapshot, type RegistrySnapshotPage } from '@portcullis/contracts';
import { DEFAULT_MESSAGE_PIECE_BYTES } from '@portcullis/bus';
import { createHash } from 'node:crypto';

/**
 * Cuts a snapshot into pages of at most `maxBytes` of items each (an item larger than that travels
 * alone), keeping every array's order. `maxBytes` follows the NATS server's max_payload
 * (Bus.messagePieceBytes): a small configuration fits in one page; 10,000 API definitions make a
 * few dozen at the default 1 MB. The snapshot_id is a digest of the whole snapshot and of the page
 * size: the same content cut again the same way (by another replica, after this one forgot it)
 * gives the same id and the same pages, and any other content, or the same cut at another size (a
 * replica on a server with another max_payload), another id, so a gateway can never mix two cuts.
 */
export function snapshotPages(snapshot: RegistrySnapshot, maxBytes = DEFAULT_MESSAGE_PIECE_BYTES): RegistrySnapshotPage[] {
  // Each item is serialised once, for its size and for the digest (a second pass over 10,000 APIs costs).
  const digest = createHash('sha256').update(`revision ${snapshot.revision}\npage bytes ${maxBytes}\n`);
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
