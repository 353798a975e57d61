/**
 * A command run in a real terminal, as a user types into one: util-linux's script(1) gives it a
 * pseudo-terminal, the test watches what it prints and types into it. For `kubectl exec -it`,
 * `run -it`, `debug -it` (terminal sizes, resizes, prompts).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { RunResult } from './podbay.ts';

/** script(1) (Debian's bsdutils, an essential package), or undefined where it is missing. */
export const scriptBinary = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));

/**
 * The start of an `inTerminal` command line for tests of terminal resizes: the terminal is 120x40,
 * and a background job makes it 100x30 once the file `flag` exists (the test creates it).
 */
export function resizeOnFlag(flag: string): string {
  return [
    'stty cols 120 rows 40;',
    `(while [ ! -e ${flag} ]; do sleep 0.05; done; stty -F /dev/tty cols 100 rows 30) &`,
  ].join(' ');
}

export interface Terminal {
  /** Resolves once the output so far contains `text`, or after `timeoutMs` (the asserts tell). */
  seen(text: string, timeoutMs?: number): Promise<void>;
  /** Types `text` (end a line with `\r`, as the Enter key does). */
  type(text: string): void;
  /**
   * Types `line` every half second until the output contains `text`, or after `timeoutMs` (the
   * asserts tell): for what reaches the container after a delay the test cannot see, such as a
   * resize, which passes kubectl, the API server and the kubelet before the container's terminal.
   */
  typeUntilSeen(line: string, text: string, timeoutMs?: number): Promise<void>;
}

/**
 * Runs the sh command line `shell` under script(1), with HOME set to `home` (kubectl's cache),
 * while `drive` watches and types; resolves with everything printed once the command has ended
 * (and `drive` has), or `timeoutMs` killed it.
 */
export async function inTerminal(
  shell: string,
  opts: { readonly home: string; readonly timeoutMs: number },
  drive: (t: Terminal) => Promise<void>,
): Promise<RunResult> {
  if (!scriptBinary) throw new Error('script(1) is missing (Debian package bsdutils)');
  let out = '';
  let typing = Promise.resolve();
  const result = new Promise<RunResult>((resolve) => {
    const child = execFile(
      scriptBinary,
      ['-qec', shell, '/dev/null'],
      { timeout: opts.timeoutMs, env: { ...process.env, HOME: opts.home } },
      (err, stdout, stderr) => {
        resolve({ code: err ? 1 : 0, stdout, stderr });
      },
    );
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    const terminal: Terminal = {
      async seen(text, timeoutMs = 30_000) {
        for (const end = Date.now() + timeoutMs; !out.includes(text) && Date.now() < end;) {
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      type(text) {
        child.stdin?.write(text);
      },
      async typeUntilSeen(line, text, timeoutMs = 20_000) {
        for (const end = Date.now() + timeoutMs; !out.includes(text) && Date.now() < end;) {
          terminal.type(line);
          await terminal.seen(text, 500);
        }
      },
    };
    typing = drive(terminal).finally(() => child.stdin?.end());
  });
  const [r] = await Promise.all([result, typing]);
  return r;
}
