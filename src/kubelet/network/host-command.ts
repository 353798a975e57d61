/**
 * Runs a host tool (iptables, ip) asynchronously, through the spawn helper
 * (util/spawn-helper.ts), with a timeout on the injected clock.
 */
import { runProcess, type Clock, errorMessage } from '../../util/index.ts';

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
    const child = runProcess(file, args, { maxOutputBytes: 16 << 20 });
    let timedOut = false;
    const cancel = opts.clock.setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.result.then(
      ({ code, stdout, stderr }) => {
        cancel();
        if (timedOut) {
          reject(new Error(`${file} ${args.join(' ')} timed out after ${opts.timeoutMs}ms`));
          return;
        }
        resolve({
          code: code ?? -1,
          stdout: stdout.toString('utf8'),
          stderr: stderr.toString('utf8'),
        });
      },
      (e: unknown) => {
        cancel();
        reject(new Error(`failed to run ${file}: ${errorMessage(e)}`));
      },
    );
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
