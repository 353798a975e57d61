import { describe, expect, it } from 'vitest';
import {
  encodeExecStatus,
  exitCodeStatus,
  internalErrorStatus,
  successStatus,
} from './exec-status.ts';

describe('exec status on the error stream', () => {
  it('v4+: JSON as Go writes metav1.Status (no kind, apiVersion or zero code)', () => {
    expect(encodeExecStatus(successStatus, true)?.toString()).toBe(
      '{"metadata":{},"status":"Success"}',
    );
    expect(encodeExecStatus(exitCodeStatus(['sh', '-c', 'exit 3'], 3), true)?.toString()).toBe(
      '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}',
    );
    expect(encodeExecStatus(internalErrorStatus('boom'), true)?.toString()).toBe(
      '{"metadata":{},"status":"Failure","message":"Internal error occurred: boom","reason":"InternalError","details":{"causes":[{"message":"boom"}]},"code":500}',
    );
  });

  it('before v4: only a failure, as its message', () => {
    expect(encodeExecStatus(successStatus, false)).toBeUndefined();
    expect(encodeExecStatus(internalErrorStatus('boom'), false)?.toString()).toBe(
      'Internal error occurred: boom',
    );
  });
});
