/** oidc-provider's default store evicts entries; a plain Map keeps them for the run. */
export class MapAdapter {
  static readonly stores = new Map<string, Map<string, Record<string, unknown>>>();
  private readonly store: Map<string, Record<string, unknown>>;
  constructor(model: string) {
    let store = MapAdapter.stores.get(model);
    if (!store) MapAdapter.stores.set(model, (store = new Map()));
    this.store = store;
  }
  async upsert(id: string, payload: Record<string, unknown>) {
    this.store.set(id, payload);
  }
  async find(id: string) {
    return this.store.get(id);
  }
  async findByUid(uid: string) {
    for (const payload of this.store.values()) if (payload.uid === uid) return payload;
    return undefined;
  }
  async findByUserCode(userCode: string) {
    for (const payload of this.store.values()) if (payload.userCode === userCode) return payload;
    return undefined;
  }
  async consume(id: string) {
    const payload = this.store.get(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    this.store.delete(id);
  }
  async revokeByGrantId(grantId: string) {
    for (const [id, payload] of this.store) if (payload.grantId === grantId) this.store.delete(id);
  }
}

/** An adapter class of its own per provider (by issuer), so two providers in a run never share clients or grants. */
export function adapterFor(issuer: string): typeof MapAdapter {
  return class extends MapAdapter {
    constructor(model: string) {
      super(`${model}:${issuer}`);
    }
  };
}
