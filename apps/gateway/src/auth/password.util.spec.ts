import { hashPassword, verifyPassword } from './password.util';

describe('password hashes', () => {
  it('verifies the password it hashed and nothing else, with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });

  it.each(['', 'plain', 'bcrypt$x$y', 'scrypt$16384$8$1$$'])(
    'treats the stored value %p as no match',
    async (stored) => {
      expect(await verifyPassword('anything', stored)).toBe(false);
    },
  );
});
