#!/usr/bin/env node
// Checks that a NATS server answers and has JetStream enabled; says what is wrong if not.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

const url = process.argv[2] ?? 'nats://127.0.0.1:4222';
let nc;
try {
  nc = await connect({ servers: url, timeout: 3000, reconnect: false });
} catch (error) {
  console.error(`    ${url} does not speak NATS: ${error.message}`);
  process.exit(1);
}
try {
  const jsm = await jetstreamManager(nc, { timeout: 3000 });
  const info = await jsm.getAccountInfo();
  console.log(`    NATS ${nc.info?.version ?? '?'} with JetStream (${info.streams} streams)`);
} catch (error) {
  console.error(
    `    ${url} answers but JetStream is not enabled (${error.message}): restart nats-server with -js`,
  );
  process.exit(1);
} finally {
  await nc.close();
}
