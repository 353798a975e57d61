import { describe, expect, it } from 'vitest';
import {
  expandCommandAndArgs,
  mergeCommand,
  mergeEnv,
  numericImageUser,
} from './container-command.ts';

describe('mergeCommand', () => {
  const image = { entrypoint: ['/entry'], cmd: ['--default'] };
  const cases: [
    string,
    { entrypoint?: string[]; cmd?: string[] },
    string[] | undefined,
    string[] | undefined,
    string[],
  ][] = [
    ['image only', image, undefined, undefined, ['/entry', '--default']],
    ['command replaces entrypoint and drops cmd', image, ['/bin/sh'], undefined, ['/bin/sh']],
    ['command and args', image, ['/bin/sh'], ['-c', 'true'], ['/bin/sh', '-c', 'true']],
    ['args replace cmd', image, undefined, ['--x'], ['/entry', '--x']],
    ['empty command counts as unset', image, [], ['--x'], ['/entry', '--x']],
    ['cmd only image', { cmd: ['sh'] }, undefined, undefined, ['sh']],
    ['cmd only image with args', { cmd: ['sh'] }, undefined, ['-c', 'x'], ['-c', 'x']],
  ];
  it.each(cases)('%s', (_n, img, command, args, want) => {
    expect(mergeCommand(img, command, args)).toEqual(want);
  });
  it('fails with nothing to run', () => {
    expect(() => mergeCommand({}, undefined, undefined)).toThrow('no command specified');
  });
});

describe('expandCommandAndArgs', () => {
  it('expands against the container variables', () => {
    expect(
      expandCommandAndArgs(
        { command: ['echo', '$(GREETING)'], args: ['$(NAME)', '$$(NAME)', '$(NOPE)'] },
        [
          { name: 'GREETING', value: 'hello' },
          { name: 'NAME', value: 'world' },
        ],
      ),
    ).toEqual({ command: ['echo', 'hello'], args: ['world', '$(NAME)', '$(NOPE)'] });
  });
});

describe('mergeEnv', () => {
  it('puts the pod variables over the image ones', () => {
    expect(
      mergeEnv(
        ['PATH=/usr/bin:/bin', 'LANG=C', 'EMPTY=', 'junk'],
        [
          { name: 'LANG', value: 'C.UTF-8' },
          { name: 'X', value: '1' },
        ],
      ),
    ).toEqual([
      { name: 'PATH', value: '/usr/bin:/bin' },
      { name: 'EMPTY', value: '' },
      { name: 'LANG', value: 'C.UTF-8' },
      { name: 'X', value: '1' },
    ]);
  });
});

describe('numericImageUser', () => {
  it.each([
    [undefined, { uid: 0 }],
    ['', { uid: 0 }],
    ['1000', { uid: 1000 }],
    ['1000:50', { uid: 1000, gid: 50 }],
    ['nobody', undefined],
    ['1000:staff', undefined],
  ])('%j → %j', (user, want) => {
    expect(numericImageUser(user)).toEqual(want);
  });
});
