import { Module } from '@nestjs/common';
import { KeysMessages } from './keys.messages.js';
import { SigningKeys } from './signing-keys.service.js';

@Module({ controllers: [KeysMessages], providers: [SigningKeys], exports: [SigningKeys] })
export class KeysModule {}
