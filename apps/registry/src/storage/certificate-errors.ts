import { PortcullisError } from '@portcullis/errors';

/** Tyk's messages ("Certificate with given SHA256 fingerprint not found.", "Certificate with ID already exists."). */
export function certificateNotFound(id: string): PortcullisError {
  return new PortcullisError('not_found', `Certificate with given SHA256 fingerprint not found: ${JSON.stringify(id)}`);
}

export function certificateExists(id: string): PortcullisError {
  return new PortcullisError('conflict', `Certificate with ID ${id} already exists.`, [{ field: 'body', message: `certificate ${id} is already stored` }]);
}
