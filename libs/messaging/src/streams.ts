import {
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/** A stream this service owns; created or updated at boot (idempotent). */
export interface StreamSpec {
  name: string;
  /** The subjects it stores; a stream that only gathers other streams (`sources`) has none. */
  subjects?: string[];
  /** Whole streams whose messages it copies in (JetStream sources, unfiltered). */
  sources?: string[];
  /** `workqueue` removes a message once acked (job queues); `limits` keeps history for replay. */
  retention?: 'limits' | 'workqueue';
  maxAgeMs?: number;
  duplicateWindowMs?: number;
}

/** Where a deployment wants its streams: replicas (1 on one server, 3 on a cluster) and placement tags. */
export interface StreamReplication {
  replicas: number;
  /** Servers whose `server_tags` include every one of these hold the replicas; none: any server. */
  placementTags?: readonly string[];
}

export const singleReplica: StreamReplication = { replicas: 1 };

/** Why a stream could not be set up as configured; stops the service at boot instead of running without it. */
export type StreamSetupCode = 'STREAM_REPLICAS_UNSUPPORTED' | 'STREAM_PLACEMENT_IMPOSSIBLE' | 'STREAM_UPDATE_REFUSED';

export class StreamSetupError extends Error {
  constructor(
    readonly code: StreamSetupCode,
    readonly stream: string,
    readonly reason: string,
  ) {
    super(`${code}: stream ${stream}: ${reason}`);
    this.name = 'StreamSetupError';
  }
}

// JetStream API error codes (nats-server server/errors.json) that no retry can fix.
const replicasNotSupported = 10074; // replicas > 1 not supported in non-clustered mode
const replicasNotUpdatable = 10061; // replicas configuration can not be updated
const noSuitablePeers = 10005; // no suitable peers for placement
const insufficientResources = 10023;
const invalidConfig = 10052;
const updateFailed = 10069;

/**
 * Creates the stream, or brings an existing one in line with `spec` and `replication` (a clustered server changes
 * `num_replicas` in place). Every stream Shelflink creates goes through here, so NATS_STREAM_REPLICAS reaches all of
 * them. A configuration the server refuses is a {@link StreamSetupError} naming the stream and the server's reason;
 * anything else (no JetStream yet, a timeout) is thrown as it is, for the caller to retry.
 */
export async function ensureStream(
  connection: NatsConnection,
  spec: StreamSpec,
  replication: StreamReplication = singleReplica,
): Promise<void> {
  const manager = await jetstreamManager(connection);
  const config = streamConfig(spec, replication);
  const exists = await manager.streams.info(spec.name).then(
    () => true,
    (error: unknown) => {
      if (error instanceof JetStreamApiError && error.code === 10059) return false;
      throw error;
    },
  );
  try {
    if (exists) await manager.streams.update(spec.name, config);
    else await manager.streams.add(config);
  } catch (error) {
    throw asSetupError(spec.name, replication, error);
  }
}

function streamConfig(spec: StreamSpec, replication: StreamReplication): Partial<StreamConfig> & { name: string } {
  const tags = replication.placementTags ?? [];
  return {
    name: spec.name,
    ...(spec.subjects ? { subjects: spec.subjects } : {}),
    ...(spec.sources ? { sources: spec.sources.map((name) => ({ name })) } : {}),
    retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: (spec.maxAgeMs ?? 7 * 24 * 3_600_000) * 1_000_000,
    duplicate_window: (spec.duplicateWindowMs ?? 120_000) * 1_000_000,
    num_replicas: replication.replicas,
    // No cluster name: the cluster of the server that places the stream.
    ...(tags.length > 0 ? { placement: { cluster: '', tags: [...tags] } } : {}),
  };
}

/** A refusal of the configuration becomes a StreamSetupError; transient failures pass through unchanged. */
function asSetupError(stream: string, replication: StreamReplication, error: unknown): unknown {
  if (!(error instanceof JetStreamApiError)) return error;
  const reason = error.apiError().description;
  switch (error.code) {
    case replicasNotSupported:
    case replicasNotUpdatable:
      return new StreamSetupError(
        'STREAM_REPLICAS_UNSUPPORTED',
        stream,
        `${reason}; NATS_STREAM_REPLICAS=${replication.replicas} needs a JetStream cluster of at least that many servers`,
      );
    case noSuitablePeers:
    case insufficientResources:
      return new StreamSetupError(
        'STREAM_PLACEMENT_IMPOSSIBLE',
        stream,
        `${reason}; ${replication.replicas} replicas${placementText(replication)} cannot be placed on the servers up now`,
      );
    case invalidConfig:
    case updateFailed:
      return new StreamSetupError('STREAM_UPDATE_REFUSED', stream, reason);
    default:
      return error;
  }
}

function placementText(replication: StreamReplication): string {
  const tags = replication.placementTags ?? [];
  return tags.length > 0 ? ` with tags ${tags.join(',')}` : '';
}
