import { PortcullisError } from '@portcullis/errors';

/** The failures a policy write can meet, each naming the field at fault (native and Tyk API alike). */
export function policyNotFound(id: string): PortcullisError {
  return new PortcullisError('not_found', `No policy with id ${JSON.stringify(id)}`);
}

export function policyIdTaken(id: string): PortcullisError {
  return new PortcullisError('conflict', 'A policy with this id already exists', [
    { field: 'id', message: `${JSON.stringify(id)} is already used by another policy` },
  ]);
}
