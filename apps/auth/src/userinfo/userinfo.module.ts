import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module.js';
import { UserinfoController } from './userinfo.controller.js';

@Module({ imports: [TokensModule], controllers: [UserinfoController] })
export class UserinfoModule {}
