import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { CredentialLookup } from './credential-lookup.service.js';
import { CredentialsMessages } from './credentials.messages.js';
import { OAuth1Nonces } from './oauth1-nonces.js';
import { OAuth1Credentials } from './oauth1.service.js';

@Module({ imports: [ApiKeysModule], controllers: [CredentialsMessages], providers: [CredentialLookup, OAuth1Credentials, OAuth1Nonces] })
export class CredentialsModule {}
