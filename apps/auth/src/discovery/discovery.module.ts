import { Module } from '@nestjs/common';
import { GrantsModule } from '../grants/grants.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { DiscoveryController } from './discovery.controller.js';

@Module({ imports: [GrantsModule, KeysModule], controllers: [DiscoveryController] })
export class DiscoveryModule {}
