import { Module } from '@nestjs/common';
import { HtmlPages } from './html-pages.service.js';

/** The console's static app (mounted by mountConsole) and the plain HTML pages other routes answer browsers with. */
@Module({ providers: [HtmlPages], exports: [HtmlPages] })
export class ConsoleModule {}
