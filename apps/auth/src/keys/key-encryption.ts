// The seal is shared with the registry and gateways (certificates' private keys): one implementation.
export { SecretSeal as KeyEncryption } from '@portcullis/domain';
