import { Injectable } from '@nestjs/common';
import type { RecordEntity } from '@shelflink/contracts';
import { SyncError } from '../provider/provider.errors.js';
import type { ProviderPuller, StreamPuller } from './puller.port.js';
import { NetSuitePuller } from './netsuite.puller.js';
import { PlytixPuller } from './plytix.puller.js';
import { ShopifyPuller } from './shopify.puller.js';
import { SquarePuller } from './square.puller.js';

/** The pullers by provider key; adding a provider is one puller class registered here. */
@Injectable()
export class PullerRegistry {
  private readonly pullers: ReadonlyMap<string, ProviderPuller>;

  constructor(square: SquarePuller, shopify: ShopifyPuller, netsuite: NetSuitePuller, plytix: PlytixPuller) {
    this.pullers = new Map<string, ProviderPuller>([square, shopify, netsuite, plytix].map((p) => [p.provider, p]));
  }

  supports(provider: string): boolean {
    return this.pullers.has(provider);
  }

  forProvider(provider: string): ProviderPuller {
    const puller = this.pullers.get(provider);
    if (!puller) throw new SyncError('UNSUPPORTED_PROVIDER', `sync-service has no puller for ${provider}`);
    return puller;
  }

  stream(provider: string, stream: RecordEntity): StreamPuller {
    const puller = this.forProvider(provider).streams[stream];
    if (!puller) throw new SyncError('UNSUPPORTED_STREAM', `${provider} has no ${stream} stream`);
    return puller;
  }

  streamsOf(provider: string): RecordEntity[] {
    return Object.keys(this.forProvider(provider).streams) as RecordEntity[];
  }
}
