import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentWebhookRoute } from './webhooks/webhook-route.openapi.js';

/** OpenAPI for the public HTTP contract at /docs (JSON at /docs/json). */
export function mountOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Shelflink gateway')
      .setDescription(
        'Webhooks from providers, OAuth connect, the admin API and health. Errors: {"error": {"code", "message", "requestId"}}.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Admin API key' })
      .build(),
  );
  documentWebhookRoute(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
}
