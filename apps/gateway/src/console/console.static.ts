import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pageSecurityHeaders } from './html-pages.service.js';

/** The built console (dist/apps/console, written by `npm run build`) at /console/, with the strict page headers. */
export async function mountConsole(app: NestFastifyApplication): Promise<void> {
  const root = fileURLToPath(new URL('../../../console/', import.meta.url));
  if (!existsSync(root)) return;
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/console/',
    index: 'index.html',
    redirect: true,
    cacheControl: false,
    setHeaders: (reply) => {
      for (const [name, value] of Object.entries(pageSecurityHeaders)) void reply.header(name, value);
      void reply.header('cache-control', 'no-cache');
    },
  });
}
