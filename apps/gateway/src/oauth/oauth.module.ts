import { Module } from '@nestjs/common';
import { ConsoleModule } from '../console/console.module.js';
import { OAuthController } from './oauth.controller.js';

@Module({ imports: [ConsoleModule], controllers: [OAuthController] })
export class OAuthModule {}
