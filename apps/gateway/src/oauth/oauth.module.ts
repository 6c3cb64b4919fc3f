import { Module } from '@nestjs/common';
import { InstallController } from './install.controller.js';
import { OAuthController } from './oauth.controller.js';

/** The OAuth callback and Shopify's install entry point. */
@Module({ controllers: [OAuthController, InstallController] })
export class OAuthModule {}
