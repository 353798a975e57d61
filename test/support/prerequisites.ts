/**
 * Suites that need root or host tools (runc, conmon, CNI plugins, kubectl, perl…) ask here whether
 * to skip. Off CI, a missing prerequisite skips the suite with a warning, so `npm test` still runs
 * on a laptop without them. Under CI=true it fails the run instead: `.ci/run` installs everything
 * (scripts/setup.sh) and runs as root, so a skip there would hide a check that never happened.
 */

export const isRoot = process.getuid?.() === 0;

/** For `describe.skipIf(missing({...}))`: true when the suite must be skipped (never on CI). */
export function missing(prerequisites: Readonly<Record<string, boolean>>): boolean {
  const absent = Object.entries(prerequisites)
    .filter(([, present]) => !present)
    .map(([what]) => what);
  if (absent.length === 0) return false;
  const message = `needs ${absent.join(', ')}`;
  if (process.env['CI'] === 'true') {
    throw new Error(`${message}: CI must run every suite (scripts/setup.sh installs the tools)`);
  }
  console.warn(`${message}: skipped`);
  return true;
}
