import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

/**
 * Deletes every stream (KV buckets are streams named `KV_<bucket>`) that a test run's
 * namespace created, so runs leave nothing behind on a shared nats-server.
 */
export async function deleteNamespaceStreams(natsUrl: string, namespace: string): Promise<string[]> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const prefixes = [`${namespace.toUpperCase()}_`, `KV_${namespace}_`];
    const deleted: string[] = [];
    for await (const info of jsm.streams.list()) {
      if (prefixes.some((prefix) => info.config.name.startsWith(prefix))) {
        await jsm.streams.delete(info.config.name);
        deleted.push(info.config.name);
      }
    }
    return deleted;
  } finally {
    await nc.close();
  }
}
