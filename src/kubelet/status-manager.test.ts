import { describe, expect, it } from 'vitest';
import { podStatusPatch, statusEqual } from './status-manager.ts';

describe('podStatusPatch', () => {
  it('sets changed fields and nulls removed ones', () => {
    expect(
      podStatusPatch(
        { phase: 'Pending', message: 'x', qosClass: 'BestEffort' },
        { phase: 'Running', qosClass: 'BestEffort' },
      ),
    ).toEqual({ phase: 'Running', message: null });
  });
  it('nulls condition fields that no longer apply, and deletes conditions that went away', () => {
    expect(
      podStatusPatch(
        {
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'ContainersNotReady',
              message: 'containers with unready status: [app]',
            },
            { type: 'Gone', status: 'True' },
          ],
        },
        {
          conditions: [
            { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
          ],
        },
      ),
    ).toEqual({
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          lastTransitionTime: '2026-01-01T00:00:00Z',
          reason: null,
          message: null,
        },
        { type: 'Gone', $patch: 'delete' },
      ],
    });
  });
  it('deletes pod IPs that went away', () => {
    expect(
      podStatusPatch({ podIPs: [{ ip: '10.0.0.1' }] }, { podIPs: [{ ip: '10.0.0.2' }] }),
    ).toEqual({
      podIPs: [{ ip: '10.0.0.2' }, { ip: '10.0.0.1', $patch: 'delete' }],
    });
  });
  it('replaces container statuses whole', () => {
    const patch = podStatusPatch(
      {
        containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'x', imageID: '' }],
      },
      { containerStatuses: [{ name: 'a', ready: true, restartCount: 0, image: 'x', imageID: '' }] },
    );
    expect(patch).toEqual({
      containerStatuses: [{ name: 'a', ready: true, restartCount: 0, image: 'x', imageID: '' }],
    });
  });
});

describe('statusEqual', () => {
  it('ignores empty values', () => {
    expect(statusEqual({ phase: 'Running', message: '' }, { phase: 'Running' })).toBe(true);
    expect(statusEqual({ phase: 'Running' }, { phase: 'Pending' })).toBe(false);
  });
});
