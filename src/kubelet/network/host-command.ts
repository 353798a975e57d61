/** Runs a host tool (iptables, ip) asynchronously with a timeout on the injected clock. */
import { spawn } from 'node:child_process';
import type { Clock } from '../../util/index.ts';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCommand(
  file: string,
  args: readonly string[],
  opts: { readonly clock: Clock; readonly timeoutMs: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const cancel = opts.clock.setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      cancel();
      reject(new Error(`failed to run ${file}: ${e.message}`));
    });
    child.on('close', (code) => {
      cancel();
      if (timedOut) {
        reject(new Error(`${file} ${args.join(' ')} timed out after ${opts.timeoutMs}ms`));
        return;
      }
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Splits an `iptables -S` line into words (double quotes with backslash escapes, single quotes). */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === '"') {
      inWord = true;
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        cur += line[i] ?? '';
      }
    } else if (c === "'") {
      inWord = true;
      for (i++; i < line.length && line[i] !== "'"; i++) cur += line[i] ?? '';
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      if (c === '\\' && i + 1 < line.length) i++;
      cur += line[i] ?? '';
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
