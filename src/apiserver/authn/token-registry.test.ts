import { describe, it, expect } from 'vitest';
import { FakeClock } from '../../util/index.ts';
import {
  NODE_TOKEN_USER,
  bearerToken,
  createAuthenticator,
  createTokenRegistry,
  registerNodeToken,
} from './index.ts';

describe('createTokenRegistry', () => {
  it('maps registered tokens to their users, plus system:authenticated', () => {
    const reg = createTokenRegistry([['tok-a', { name: 'alice', groups: ['devs'] }]]);
    reg.add('tok-b', { name: 'bob', groups: [] });
    expect(reg.size).toBe(2);
    expect(reg.authenticateToken('tok-a')).toEqual({
      name: 'alice',
      groups: ['devs', 'system:authenticated'],
    });
    expect(reg.authenticateToken('tok-b')).toEqual({
      name: 'bob',
      groups: ['system:authenticated'],
    });
    for (const wrong of ['tok-', 'tok-aa', 'TOK-A', '', ' tok-a']) {
      expect(reg.authenticateToken(wrong)).toBeUndefined();
    }
  });

  it('replaces, removes, refuses empty tokens, and hands out copies', () => {
    const reg = createTokenRegistry();
    reg.add('t', { name: 'one', groups: ['g'] });
    reg.add('t', { name: 'two', groups: ['g'] });
    expect(reg.size).toBe(1);
    const user = reg.authenticateToken('t')!;
    expect(user.name).toBe('two');
    user.groups.push('system:masters');
    expect(reg.authenticateToken('t')!.groups).toEqual(['g', 'system:authenticated']);
    expect(reg.remove('t')).toBe(true);
    expect(reg.remove('t')).toBe(false);
    expect(reg.authenticateToken('t')).toBeUndefined();
    expect(() => {
      reg.add('', { name: 'x', groups: [] });
    }).toThrow(/empty/);
  });

  it('accepts the node join token whole or by its secret, as the node-token user', () => {
    const reg = createTokenRegistry();
    const secret = '0123456789abcdef0123456789abcdef';
    registerNodeToken(reg, { token: `K10${'a'.repeat(64)}::server:${secret}`, secret });
    const expected = {
      name: 'system:node:<unknown>',
      groups: ['system:nodes', 'system:authenticated'],
    };
    expect(reg.authenticateToken(`K10${'a'.repeat(64)}::server:${secret}`)).toEqual(expected);
    expect(reg.authenticateToken(secret)).toEqual(expected);
    expect(NODE_TOKEN_USER.name).toBe('system:node:<unknown>');
  });
});

describe('bearerToken', () => {
  const table: [string | undefined, string | undefined][] = [
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['  Bearer abc  ', 'abc'],
    ['Bearer abc def', 'abc'],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Bearer  abc', undefined], // upstream splits on single spaces: the token is empty
    ['Basic YWxpY2U6cHc=', undefined],
    ['abc', undefined],
    [undefined, undefined],
  ];
  for (const [header, token] of table) {
    it(`reads ${JSON.stringify(header)} as ${JSON.stringify(token)}`, () => {
      expect(bearerToken(header)).toBe(token);
    });
  }
});

describe('createAuthenticator', () => {
  const bearer = (token: string): string => `Bearer ${token}`;

  it('asks each token authenticator in order and returns the first user', () => {
    const first = createTokenRegistry([['shared', { name: 'first', groups: [] }]]);
    const second = createTokenRegistry([
      ['shared', { name: 'second', groups: [] }],
      ['only-second', { name: 'second', groups: [] }],
    ]);
    const authn = createAuthenticator({ tokens: [first, second] });
    expect(authn.authenticate({ authorization: bearer('shared') })?.name).toBe('first');
    expect(authn.authenticate({ authorization: bearer('only-second') })?.name).toBe('second');
    expect(authn.authenticate({ authorization: bearer('nobody') })).toBeUndefined();
    expect(authn.authenticate({})).toBeUndefined();
  });

  it('takes a verified certificate first, only until it expires by its clock', async () => {
    const clock = new FakeClock(1_000_000);
    const tokens = createTokenRegistry([['tok', { name: 'by-token', groups: [] }]]);
    const authn = createAuthenticator({ tokens, clock });
    const certificate = { user: { name: 'by-cert', groups: ['team'] }, notAfter: 2_000_000 };
    expect(authn.authenticate({ certificate, authorization: bearer('tok') })).toEqual({
      name: 'by-cert',
      groups: ['team', 'system:authenticated'],
    });
    await clock.step(1_000_000);
    expect(authn.authenticate({ certificate, authorization: bearer('tok') })?.name).toBe(
      'by-token',
    );
    expect(authn.authenticate({ certificate })).toBeUndefined();
  });
});
