import { Module } from '@nestjs/common';
import { ConsoleModule } from '../console/console.module.js';
import { InstallController } from './install.controller.js';
import { OAuthController } from './oauth.controller.js';

/** The OAuth callback and Shopify's install entry point. */
@Module({ imports: [ConsoleModule], controllers: [OAuthController, InstallController] })
export class OAuthModule {}
