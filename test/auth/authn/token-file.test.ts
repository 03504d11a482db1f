import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken, INVALID_TOKEN, parseTokenFile, TokenFileAuthenticator, TokenFileError } from '../../../src/auth/authn/index.js';

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

function parseError(text: string): TokenFileError {
  try {
    parseTokenFile(text, 'tokens.csv');
  } catch (err) {
    expect(err).toBeInstanceOf(TokenFileError);
    return err as TokenFileError;
  }
  throw new Error('expected the token file to be refused');
}

describe('parseTokenFile', () => {
  it('reads tokens, users, uids and quoted groups; skips comments and blank lines', () => {
    const users = parseTokenFile(
      [
        '\ufeff# the admins',
        'admin-token,admin,uid-1,"system:masters,ops"',
        '',
        '   # indented comment',
        'dev-token, alice ,uid-2,"dev, qa,,dev"',
        'bare-token,bob,',
        'crlf-token,carol,uid-4,viewers\r',
        '"quo""ted",dave,uid-5',
      ].join('\n'),
    );
    expect(users.size).toBe(5);
    expect(users.get(hashToken('admin-token'))).toEqual({ name: 'admin', uid: 'uid-1', groups: ['system:masters', 'ops'] });
    expect(users.get(hashToken('dev-token'))).toEqual({ name: 'alice', uid: 'uid-2', groups: ['dev', 'qa'] });
    expect(users.get(hashToken('bare-token'))).toEqual({ name: 'bob', groups: [] });
    expect(users.get(hashToken('crlf-token'))).toEqual({ name: 'carol', uid: 'uid-4', groups: ['viewers'] });
    expect(users.get(hashToken('quo"ted'))?.name).toBe('dave');
    // Only digests are kept.
    expect([...users.keys()].every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
  });

  it('refuses malformed lines with their line number, never quoting the token', () => {
    let e = parseError('ok,alice,1\n# comment\nsecret-value,bob\n');
    expect(e.line).toBe(3);
    expect(e.message).toBe('tokens.csv: line 3: expected token,user,uid[,"group1,group2"], found 2 columns');
    expect(e.message).not.toContain('secret-value');

    e = parseError('ok,alice,1\nt2,bob,2,g1,g2\n');
    expect(e.line).toBe(2);
    expect(e.message).toContain('quoted field');

    e = parseError('a,alice,1\n\n"unclosed,bob,2\n');
    expect(e.line).toBeGreaterThanOrEqual(3);
    expect(e.message).toMatch(/^tokens\.csv: line \d+: a quoted field is not closed$/);

    e = parseError('a,alice,1\nsec"ret,bob,2\n');
    expect(e.line).toBe(2);
    expect(e.message).not.toContain('sec');

    expect(parseError('a,,1').message).toBe('tokens.csv: line 1: the user name is empty');
    expect(parseError('x,y,z\n,alice,1').message).toBe('tokens.csv: line 2: the token is empty');
    expect(parseError('"has space",alice,1').message).toBe('tokens.csv: line 1: the token contains whitespace');
  });

  it('refuses a token listed twice, naming both lines', () => {
    const e = parseError('same,alice,1\nother,bob,2\nsame,mallory,3\n');
    expect(e.line).toBe(3);
    expect(e.message).toBe('tokens.csv: line 3: duplicate token (first on line 1)');
  });
});

describe('TokenFileAuthenticator', () => {
  let dir = '';
  let file = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-tokens-'));
    file = path.join(dir, 'tokens.csv');
    fs.writeFileSync(file, 'alice-token,alice,uid-a,"dev,qa"\nbob-token,bob,uid-b\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('authenticates a known token, refuses an unknown one, and has no opinion without one', async () => {
    const auth = new TokenFileAuthenticator(file);
    expect(auth.size).toBe(2);
    expect(await auth.authenticate(bearer('alice-token'))).toEqual({ user: { name: 'alice', uid: 'uid-a', groups: ['dev', 'qa'] } });
    expect(await auth.authenticate({ headers: { authorization: 'bearer bob-token' } })).toEqual({ user: { name: 'bob', uid: 'uid-b', groups: [] } });
    expect(await auth.authenticate(bearer('alice-token-not'))).toEqual({ error: INVALID_TOKEN });
    expect(await auth.authenticate(bearer('alice'))).toEqual({ error: INVALID_TOKEN });
    expect(await auth.authenticate({ headers: {} })).toBeUndefined();
    expect(await auth.authenticate({ headers: { authorization: 'Basic YWxpY2U6eA==' } })).toBeUndefined();
    expect(await auth.authenticate({ headers: { authorization: 'Bearer ' } })).toBeUndefined();
  });

  it('reload() picks up changes and keeps the old tokens when the new file is malformed', async () => {
    const auth = new TokenFileAuthenticator(file);
    fs.writeFileSync(file, 'carol-token,carol,uid-c\n');
    auth.reload();
    expect(await auth.authenticate(bearer('alice-token'))).toEqual({ error: INVALID_TOKEN });
    expect(await auth.authenticate(bearer('carol-token'))).toMatchObject({ user: { name: 'carol' } });

    fs.writeFileSync(file, 'dave-token,dave,1\ndave-token,eve,2\n');
    expect(() => auth.reload()).toThrow(/line 2: duplicate token/);
    expect(await auth.authenticate(bearer('carol-token'))).toMatchObject({ user: { name: 'carol' } });
  });

  it('fails to start on a malformed file', () => {
    fs.writeFileSync(file, 'only-a-token\n');
    expect(() => new TokenFileAuthenticator(file)).toThrow(TokenFileError);
  });
});
