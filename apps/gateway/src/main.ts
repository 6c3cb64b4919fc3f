import 'reflect-metadata';
import { loadConfigOrExit } from '@shelflink/config';
import { bootstrapService, natsSettingsFrom } from '@shelflink/runtime';
import { GatewayAppModule } from './app.module.js';
import { gatewayConfigSchema } from './config/gateway.config.js';
import { mountConsole } from './console/console.static.js';
import { mountOpenApi } from './openapi.js';

const config = loadConfigOrExit('gateway', gatewayConfigSchema);
await bootstrapService({
  service: 'gateway',
  module: GatewayAppModule.register(config),
  http: { host: config.HTTP_HOST, port: config.HTTP_PORT, bodyLimitBytes: config.GATEWAY_BODY_LIMIT_BYTES },
  nats: natsSettingsFrom(config),
  logLevel: config.LOG_LEVEL,
  configure: async (app) => {
    mountOpenApi(app);
    await mountConsole(app);
  },
});
