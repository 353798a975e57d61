/**
 * Go's GOARCH for Node's process.arch: the name image configs, image indexes, seccomp profiles'
 * `includes.arches` and a Node's `nodeInfo.architecture` use.
 */
const GO_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  ia32: '386',
  ppc64: 'ppc64le',
};

/** Go's name for `arch` (default this machine's); names Go shares with Node pass through. */
export function goArch(arch: string = process.arch): string {
  return GO_ARCH[arch] ?? arch;
}
