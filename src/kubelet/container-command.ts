/**
 * How a container's process is put together from its image and its spec, as containerd and CRI-O
 * do behind CRI (the kubelet only expands `$(VAR)` in command and args first):
 *   - `command` replaces the image's Entrypoint and drops its Cmd; `args` are appended;
 *   - `args` alone replace the image's Cmd after its Entrypoint;
 *   - neither: Entrypoint then Cmd.
 * Environment: the image's variables, then the pod's, a pod variable replacing an image one.
 */
import type { Container, EnvVar } from '../api/index.ts';
import { expand, mappingFuncFor } from './expansion.ts';
import type { ImageConfig } from './images/index.ts';
import { ContainerConfigError } from './env.ts';

/** The final argv; fails when there is nothing to run, as runtimes do. */
export function mergeCommand(
  image: Pick<ImageConfig, 'entrypoint' | 'cmd'>,
  command: readonly string[] | undefined,
  args: readonly string[] | undefined,
): string[] {
  let argv: string[];
  if (command && command.length > 0) argv = [...command, ...(args ?? [])];
  else if (args && args.length > 0) argv = [...(image.entrypoint ?? []), ...args];
  else argv = [...(image.entrypoint ?? []), ...(image.cmd ?? [])];
  if (argv.length === 0) throw new ContainerConfigError('no command specified');
  return argv;
}

/** `$(VAR)` in command and args, against the container's own variables (upstream ExpandContainerCommandAndArgs). */
export function expandCommandAndArgs(
  container: Pick<Container, 'command' | 'args'>,
  env: readonly EnvVar[],
): { command?: string[]; args?: string[] } {
  const mapping = mappingFuncFor(new Map(env.map((e) => [e.name, e.value ?? ''])));
  return {
    ...(container.command ? { command: container.command.map((c) => expand(c, mapping)) } : {}),
    ...(container.args ? { args: container.args.map((a) => expand(a, mapping)) } : {}),
  };
}

/** Image variables (`NAME=value`) overridden by the pod's. */
export function mergeEnv(
  imageEnv: readonly string[] | undefined,
  podEnv: readonly EnvVar[],
): { name: string; value: string }[] {
  const merged = new Map<string, string>();
  for (const kv of imageEnv ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) continue;
    merged.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  for (const e of podEnv) {
    merged.delete(e.name);
    merged.set(e.name, e.value ?? '');
  }
  return [...merged].map(([name, value]) => ({ name, value }));
}

/**
 * The image's USER as numbers when it is numeric (`1000`, `1000:1000`); undefined for names,
 * which only the container's /etc/passwd can resolve.
 */
export function numericImageUser(
  user: string | undefined,
): { uid: number; gid?: number } | undefined {
  if (!user) return { uid: 0 };
  const [u, g] = user.split(':', 2);
  if (u === undefined || !/^\d+$/.test(u)) return undefined;
  if (g !== undefined && !/^\d+$/.test(g)) return undefined;
  return { uid: Number(u), ...(g !== undefined ? { gid: Number(g) } : {}) };
}
