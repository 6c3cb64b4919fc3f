import { Logger, type FactoryProvider } from '@nestjs/common';
import { sqlRows } from '@shelflink/database';
import { CallLogStore, type CallLogStoreSettings } from '@shelflink/observability';
import { DataSource } from 'typeorm';

/**
 * Provides a service's {@link CallLogStore} on its own table (`<schema>.provider_calls`), settings from its config
 * class; Nest starts its timers at bootstrap and writes what is buffered at shutdown.
 */
export function callLogStoreProvider(
  table: string,
  config: abstract new (...args: never[]) => CallLogStoreSettings,
): FactoryProvider<CallLogStore> {
  const logger = new Logger(CallLogStore.name);
  return {
    provide: CallLogStore,
    inject: [config, DataSource],
    useFactory: (settings: CallLogStoreSettings, dataSource: DataSource) =>
      new CallLogStore(
        (sql, params) => sqlRows(dataSource, sql, params),
        table,
        settings,
        (message) => logger.warn(message),
      ),
  };
}
