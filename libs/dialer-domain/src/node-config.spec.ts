import { DialerError } from './dialer-error';
import { parseFsNodes } from './node-config';

describe('parseFsNodes', () => {
  it('reads several nodes, a password holding colons included', () => {
    expect(parseFsNodes('fs1=127.0.0.1:8021:ClueCon, fs2=fs-b.local:8022:a:b')).toEqual([
      { id: 'fs1', host: '127.0.0.1', port: 8021, password: 'ClueCon' },
      { id: 'fs2', host: 'fs-b.local', port: 8022, password: 'a:b' },
    ]);
  });

  it.each([
    ['', 'empty'],
    ['fs1', 'expected id=host:port:password'],
    ['fs1=127.0.0.1:80x:pw', 'port must be an integer'],
    ['fs1=127.0.0.1:70000:pw', 'port must be an integer'],
    ['fs1=127.0.0.1:8021', 'password is missing'],
    ['1fs=127.0.0.1:8021:pw', 'node id must be'],
    ['fs1=127.0.0.1:8021:pw,fs1=127.0.0.2:8021:pw', 'fs1 is given twice'],
    ['fs1=127.0.0.1:8021:pw,fs2=127.0.0.1:8021:pw', '127.0.0.1:8021 is given twice'],
  ])('refuses %p with a typed error that says why', (raw, why) => {
    let caught: unknown;
    try {
      parseFsNodes(raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DialerError);
    expect((caught as DialerError).code).toBe('DIALER_INVALID_NODE_CONFIG');
    expect((caught as DialerError).message).toContain(why);
  });

  it('never repeats a password in its error', () => {
    expect(() => parseFsNodes('fs1=bad host:8021:TopSecret')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('TopSecret') }),
    );
  });
});
