import { describe, expect, it } from 'vitest';
import { checkPayload } from './payload.js';
import { registryEventSchemas, registryRequestSchemas, registrySnapshotPageEnvelopeSchema, registrySnapshotSchema, registrySubjects } from './registry.js';

/** The fields a payload is refused for; [] when it parses. */
function refused(schema: Parameters<typeof checkPayload>[0], payload: unknown): string[] {
  const checked = checkPayload(schema, payload);
  return checked.ok ? [] : checked.problems.map((problem) => problem.field);
}

const definition = { api_id: 'orders', proxy: { listen_path: '/orders/' } };
const binding = { issuer: 'https://idp.test', client_id: 'c1', api_id: 'orders', policy_ids: ['gold'], app_id: 'a1' };
const certificate = { id: 'c1', org_id: '', cert_pem: '-----BEGIN CERTIFICATE-----', sealed_key: null };

describe('registry contracts', () => {
  it('give every request and event subject a schema', () => {
    const covered = [...Object.keys(registryRequestSchemas), ...Object.keys(registryEventSchemas)].sort();
    expect(covered).toEqual(Object.values(registrySubjects).sort());
  });

  it('ask for a snapshot page: the first with nothing, a later one only with the snapshot it belongs to', () => {
    const schema = registryRequestSchemas[registrySubjects.registrySnapshot];
    expect(checkPayload(schema, {})).toEqual({ ok: true, value: { page: 0 } });
    expect(checkPayload(schema, undefined)).toEqual({ ok: true, value: { page: 0 } });
    expect(checkPayload(schema, { snapshot_id: 's1', page: 3 })).toEqual({ ok: true, value: { snapshot_id: 's1', page: 3 } });
    expect(refused(schema, { page: 3 })).toEqual(['snapshot_id']);
    expect(refused(schema, { snapshot_id: '', page: -1 })).toEqual(['snapshot_id', 'page']);
  });

  it('check a snapshot page envelope: its id, revision and place, arrays as arrays', () => {
    const page = { snapshot_id: 's1', revision: 3, page: 1, pages: 2, apis: [definition], policies: [] };
    expect(checkPayload(registrySnapshotPageEnvelopeSchema, page)).toEqual({ ok: true, value: page });
    expect(refused(registrySnapshotPageEnvelopeSchema, { ...page, page: 2 })).toEqual(['page']);
    expect(refused(registrySnapshotPageEnvelopeSchema, { revision: 3, page: 0, pages: 0, apis: {}, policies: [] })).toEqual(['snapshot_id', 'pages', 'apis']);
  });

  it('check a snapshot down to what a gateway indexes, keeping the rest of each definition', () => {
    const snapshot = {
      revision: 3,
      apis: [{ ...definition, name: 'Orders' }],
      policies: [{ id: 'gold', rate: 10 }],
      client_bindings: [binding],
      certificates: [certificate],
    };
    expect(checkPayload(registrySnapshotSchema, snapshot)).toEqual({ ok: true, value: snapshot });
    // A registry older than the developer portal sends no bindings: none then.
    expect(checkPayload(registrySnapshotSchema, { revision: 3, apis: [], policies: [] })).toMatchObject({ ok: true, value: { client_bindings: [] } });
    expect(refused(registrySnapshotSchema, { revision: 'seven', apis: null })).toEqual(['revision', 'apis', 'policies']);
    expect(refused(registrySnapshotSchema, { revision: 2, apis: [{ api_id: 'a' }], policies: [{ id: '' }] })).toEqual(['apis.0.proxy', 'policies.0.id']);
    expect(
      refused(registrySnapshotSchema, {
        revision: 2,
        apis: [],
        policies: [],
        client_bindings: [{ ...binding, policy_ids: [1] }],
        certificates: [{ ...certificate, sealed_key: 3 }],
      }),
    ).toEqual(['client_bindings.0.policy_ids.0', 'certificates.0.sealed_key']);
  });

  it.each([
    [registrySubjects.registryApiChanged, { revision: 1, api_id: 'payments', change: 'updated', definition }, ['definition']],
    [registrySubjects.registryApiChanged, { revision: 1.5, api_id: 'orders', change: 'created', definition }, ['revision']],
    [registrySubjects.registryPolicyChanged, { revision: 1, policy_id: 'gold', change: 'created', policy: null }, ['policy']],
    [registrySubjects.registryClientBindingChanged, { revision: 1, issuer: 'https://idp.test', client_id: 'c1', change: 'deleted', binding }, ['binding']],
    [registrySubjects.registryCertificateChanged, { revision: 1, cert_id: 'c1', change: 'renamed', certificate }, ['change']],
  ] as const)('refuse a malformed %s event, naming the field', (subject, payload, fields) => {
    expect(refused(registryEventSchemas[subject], payload)).toEqual(fields);
  });

  it.each([
    [registrySubjects.registryApisGet, {}, ['api_id']],
    [registrySubjects.registryApisUpdate, { api_id: '', definition }, ['api_id']],
    [registrySubjects.registryApisDelete, null, ['api_id']],
    [registrySubjects.registryPoliciesGet, { policy_id: 7 }, ['policy_id']],
    [registrySubjects.registryPoliciesUpdate, { policy: {} }, ['policy_id']],
    [registrySubjects.registryCertsGet, { cert_ids: [] }, ['cert_ids']],
    [registrySubjects.registryCertsGet, { cert_ids: Array.from({ length: 101 }, (_, i) => `c${i}`) }, ['cert_ids']],
    [registrySubjects.registryCertsGet, { cert_ids: ['c1', ''] }, ['cert_ids']],
    [registrySubjects.registryCertsDelete, { cert_id: '' }, ['cert_id']],
    [registrySubjects.registryReferencesCheck, { api_ids: 'orders' }, ['api_ids']],
  ] as const)('refuse a malformed %s request, naming the field', (subject, payload, fields) => {
    expect(refused(registryRequestSchemas[subject], payload)).toEqual(fields);
  });

  it('let the bodies its services validate in full pass the envelope, and read an odd list filter as absent', () => {
    expect(refused(registryRequestSchemas[registrySubjects.registryApisCreate], {})).toEqual([]);
    expect(refused(registryRequestSchemas[registrySubjects.registryPoliciesCreate], { policy: 'anything' })).toEqual([]);
    expect(checkPayload(registryRequestSchemas[registrySubjects.registryCertsList], { org_id: 5, detailed: 'yes' })).toEqual({ ok: true, value: {} });
  });
});
