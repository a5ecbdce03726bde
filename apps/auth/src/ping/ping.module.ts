import { Module } from '@nestjs/common';
import { PingMessages } from './ping.messages.js';

@Module({ controllers: [PingMessages] })
export class PingModule {}
