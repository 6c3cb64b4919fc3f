import { Module } from '@nestjs/common';
import { ConsoleModule } from '../console/console.module.js';
import { ConnectPageController } from './connect-page.controller.js';

@Module({ imports: [ConsoleModule], controllers: [ConnectPageController] })
export class ConnectPageModule {}
