import type { ConsoleSectionId } from '../pages/console-views.js';

/** One row of a kind's table: the item's id (its page's address) and the cells, first one linked. */
export interface ResourceRow {
  id: string;
  cells: string[];
}

/** What a create hands back: the new item's id, and any secret shown this once. */
export interface Created {
  id: string;
  secrets: { label: string; value: string }[];
}

/**
 * One kind of thing an operator sees and edits (APIs, policies, keys...): how to list it, show one as
 * the JSON document the admin API takes, and write it through the same service the admin API uses,
 * so the console's validation messages are the admin API's, field by field.
 */
export interface ResourceKind {
  slug: ConsoleSectionId;
  title: string;
  singular: string;
  description: string;
  /** Under the editor: what the document is, where its fields are documented. */
  hint: string;
  columns: string[];
  creatable: boolean;
  deletable: boolean;
  list(): Promise<ResourceRow[]>;
  /** The document to edit (what a PUT of it would keep unchanged). */
  get(id: string): Promise<unknown>;
  /** The document a new item starts from. */
  template(): unknown;
  create(document: unknown): Promise<Created>;
  update(id: string, document: unknown): Promise<void>;
  remove(id: string): Promise<void>;
}
