import { DialerError } from './dialer-error';

/** One FreeSWITCH node the dialer connects to over inbound ESL. */
export interface FsNodeConfig {
  /** Our name for the node: log field, metrics label, `call.dialed.node`. */
  id: string;
  host: string;
  port: number;
  password: string;
}

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const HOST = /^[A-Za-z0-9.-]{1,253}$/;

/**
 * Parses `ATS_FS_NODES`: `id=host:port:password` entries separated by commas, e.g.
 * `fs1=127.0.0.1:8021:ClueCon,fs2=10.0.0.12:8021:ClueCon`. The password is everything
 * after the second colon (so it may hold colons) but not a comma, which separates nodes.
 * Every problem is listed at once, and no message repeats a password.
 */
export function parseFsNodes(raw: string | undefined): FsNodeConfig[] {
  const text = (raw ?? '').trim();
  if (text === '') {
    throw new DialerError('DIALER_INVALID_NODE_CONFIG', 'ATS_FS_NODES is empty: name at least one node', {
      problems: ['no node given'],
    });
  }
  const nodes: FsNodeConfig[] = [];
  const problems: string[] = [];
  text.split(',').forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const eq = entry.indexOf('=');
    if (eq < 0) {
      problems.push(`${where}: expected id=host:port:password`);
      return;
    }
    const id = entry.slice(0, eq).trim();
    const rest = entry.slice(eq + 1).trim();
    const [host, portText, ...passwordParts] = rest.split(':');
    const password = passwordParts.join(':');
    if (!ID.test(id))
      problems.push(`${where}: node id must be a letter then letters, digits, _ or - (max 32)`);
    if (!host || !HOST.test(host)) problems.push(`${where} (${id}): bad host`);
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      problems.push(`${where} (${id}): port must be an integer 1-65535`);
    if (password === '') problems.push(`${where} (${id}): the ESL password is missing`);
    nodes.push({ id, host: host ?? '', port, password });
  });
  const seen = new Set<string>();
  for (const node of nodes) {
    if (seen.has(node.id)) problems.push(`node id ${node.id} is given twice`);
    seen.add(node.id);
  }
  const addresses = new Set<string>();
  for (const node of nodes) {
    const address = `${node.host}:${node.port}`;
    if (addresses.has(address)) problems.push(`address ${address} is given twice`);
    addresses.add(address);
  }
  if (problems.length > 0) {
    throw new DialerError('DIALER_INVALID_NODE_CONFIG', `ATS_FS_NODES is invalid: ${problems.join('; ')}`, {
      problems,
    });
  }
  return nodes;
}
