import { Module } from '@nestjs/common';
import { RegistryReferences } from './registry-references.js';

@Module({ providers: [RegistryReferences], exports: [RegistryReferences] })
export class ReferencesModule {}
