import { Module } from '@nestjs/common';
import { Consents, LoginSessions } from './login-sessions.service.js';
import { SessionsMessages } from './sessions.messages.js';

/** Login sessions at the auth service and remembered consents (the stores are global, in StorageModule). */
@Module({ controllers: [SessionsMessages], providers: [LoginSessions, Consents], exports: [LoginSessions, Consents] })
export class SessionsModule {}
