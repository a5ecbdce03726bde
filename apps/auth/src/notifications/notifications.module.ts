import { Module } from '@nestjs/common';
import { KeyChangeNotifier } from './key-change-notifier.js';

@Module({ providers: [KeyChangeNotifier], exports: [KeyChangeNotifier] })
export class NotificationsModule {}
