import { describe, expect, it } from 'vitest';
import { runcMessage } from './runc-cli.ts';

describe('runcMessage', () => {
  it("takes runc's message out of its logrus lines", () => {
    expect(
      runcMessage('time="2026-11-21T19:36:07Z" level=error msg="container does not exist"\n'),
    ).toBe('container does not exist');
    expect(
      runcMessage(
        'time="x" level=error msg="runc create failed: unable to start container process: exec: \\"sh\\": executable file not found in $PATH"',
      ),
    ).toBe(
      'runc create failed: unable to start container process: exec: "sh": executable file not found in $PATH',
    );
  });

  it('keeps plain text as it is', () => {
    expect(runcMessage('something broke\n')).toBe('something broke');
    expect(runcMessage('')).toBe('');
  });
});
