import { Module } from '@nestjs/common';
import { ApiKeysMessages } from './api-keys.messages.js';
import { ApiKeysService } from './api-keys.service.js';
import { CredentialSealer } from './credential-sealer.js';

@Module({ controllers: [ApiKeysMessages], providers: [ApiKeysService, CredentialSealer], exports: [ApiKeysService, CredentialSealer] })
export class ApiKeysModule {}
