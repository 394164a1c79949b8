import { join } from 'node:path';

/**
 * The folder of the gRPC `.proto` files. The build copies them next to the compiled
 * contracts (dist/libs/contracts/proto), so this resolves in sources and in dist alike.
 */
export const PROTO_DIR = join(__dirname, '..', '..', 'proto');
