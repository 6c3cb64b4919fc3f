import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GatewayConfig, type GatewayConfigValues } from '../config/gateway.config.js';
import { WebhookForwarder } from './webhook-forwarder.service.js';
import { webhookIntakePlugin } from './webhook-intake.plugin.js';

/** `POST /webhooks/{provider}/{connectionId}`: mounted as an encapsulated Fastify plugin so the raw body stays a Buffer. */
// Base64 inside the NATS request must stay under nats.conf's max_payload (4 MB); a server configured with less makes
// the rest a 413 too (isPayloadTooLarge), never a 503 to retry for ever.
const maxWebhookBodyBytes = 2_900_000;

@Module({})
export class WebhooksModule implements OnModuleInit {
  static register(config: GatewayConfigValues): DynamicModule {
    return { module: WebhooksModule, providers: [{ provide: GatewayConfig, useValue: config }, WebhookForwarder] };
  }

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly forwarder: WebhookForwarder,
    private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(
      webhookIntakePlugin({
        forwarder: this.forwarder,
        bodyLimitBytes: Math.min(this.config.GATEWAY_BODY_LIMIT_BYTES, maxWebhookBodyBytes),
        ...(this.config.PUBLIC_BASE_URL !== undefined ? { publicBaseUrl: this.config.PUBLIC_BASE_URL } : {}),
      }),
    );
  }
}
