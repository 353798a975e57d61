import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { parseProcStat, processRunning, readProcStat } from './proc-stat.ts';

describe('parseProcStat', () => {
  it('counts fields from the last parenthesis, so a comm with spaces and ")" cannot shift them', () => {
    const rest = 'S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 123456 20 21';
    expect(parseProcStat(`42 (a) b (c) ${rest}`)).toEqual({ state: 'S', startTime: '123456' });
  });

  it('refuses what is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('42 (x) S 1 2')).toBeUndefined();
  });
});

describe('readProcStat / processRunning', () => {
  it('reads this process, whose start time stays the same', async () => {
    const a = await readProcStat(process.pid);
    const b = await readProcStat(process.pid);
    expect(a?.state).toMatch(/^[RS]$/);
    expect(a?.startTime).toMatch(/^\d+$/);
    expect(b?.startTime).toBe(a?.startTime);
    expect(await processRunning(process.pid, a?.startTime)).toBe(true);
  });

  it('tells a process from another one with the same pid by its start time', async () => {
    const st = await readProcStat(process.pid);
    const other = String(Number(st?.startTime) + 1);
    expect(await processRunning(process.pid, other)).toBe(false);
  });

  it('says a process that exited is not running', async () => {
    const child = spawn('sleep', ['30']);
    const pid = child.pid ?? 0;
    expect(await processRunning(pid)).toBe(true);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await processRunning(pid)).toBe(false);
    expect(await processRunning(0)).toBe(false);
  });
});
