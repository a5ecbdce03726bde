import { Module } from '@nestjs/common';
import { References } from './references.js';
import { ReferencesMessages } from './references.messages.js';

@Module({
  controllers: [ReferencesMessages],
  providers: [References],
})
export class ReferencesModule {}
