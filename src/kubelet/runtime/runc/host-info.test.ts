import { describe, expect, it } from 'vitest';
import { capabilityNames, ownCapabilities } from './host-info.ts';

describe('host capabilities', () => {
  it('decodes /proc status masks', () => {
    expect(capabilityNames('0')).toEqual([]);
    expect(capabilityNames('3')).toEqual(['CAP_CHOWN', 'CAP_DAC_OVERRIDE']);
    const all = capabilityNames('000001fffeffffff');
    expect(all).toHaveLength(40);
    expect(all).not.toContain('CAP_SYS_RESOURCE');
    expect(all).toContain('CAP_SYS_ADMIN');
  });

  it('reads bounding and effective sets', async () => {
    const caps = await ownCapabilities(
      'Name:\tx\nCapEff:\t0000000000000020\nCapBnd:\t0000000000000021\n',
    );
    expect(caps).toEqual({ effective: ['CAP_KILL'], bounding: ['CAP_CHOWN', 'CAP_KILL'] });
  });
});
