import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X32_GETPID, capabilityNames, kernelRunsX32, ownCapabilities } from './host-info.ts';

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

/** The running kernel's build configuration, where it publishes one. */
function readKernelConfig(): string | undefined {
  try {
    return gunzipSync(readFileSync('/proc/config.gz')).toString();
  } catch {
    return undefined;
  }
}
const kernelConfig = readKernelConfig();

describe('kernelRunsX32', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podbay-x32-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A stand-in for perl that ends the way the probe would. */
  async function fakePerl(name: string, body: string): Promise<string> {
    const p = join(dir, name);
    await writeFile(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return p;
  }
  const probe = (perlPath: string): Promise<boolean> => kernelRunsX32({ perlPath, arch: 'x64' });

  it('says yes when the x32 call answers, no when it fails or is killed by seccomp', async () => {
    expect(await probe(await fakePerl('yes', 'exit 0'))).toBe(true);
    expect(await probe(await fakePerl('enosys', 'exit 3'))).toBe(false);
    expect(await probe(await fakePerl('sigsys', 'kill -SYS $$'))).toBe(false);
  });

  it('says yes (keep covering x32) when the probe cannot run', async () => {
    expect(await probe(join(dir, 'no-such-perl'))).toBe(true);
    expect(await probe(await fakePerl('broken', 'exit 255'))).toBe(true);
  });

  it('says no on other architectures without asking', async () => {
    const perlPath = await fakePerl('would-say-yes', 'exit 0');
    expect(await kernelRunsX32({ perlPath, arch: 'arm64' })).toBe(false);
  });

  it('agrees with the running kernel: its own raw x32 call, and its build where it says', async () => {
    const runs = await kernelRunsX32();
    if (process.arch !== 'x64') {
      expect(runs).toBe(false);
      return;
    }
    // x32 may be built out, or built in and switched off at boot: the raw call itself decides.
    const direct = spawnSync('perl', ['-e', X32_GETPID]);
    expect(runs).toBe(direct.status === 0);
    // Where the kernel publishes its build (/proc/config.gz, as on these machines), one built
    // without x32 must say no.
    if (kernelConfig !== undefined && !kernelConfig.includes('CONFIG_X86_X32_ABI=y')) {
      expect(runs).toBe(false);
    }
  });
});
