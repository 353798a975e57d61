/** /proc/self/mountinfo, parsed: which mount points exist and what is mounted there. */

export interface MountInfoEntry {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMountInfo(text: string): MountInfoEntry[] {
  const out: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split(' ');
    const sep = fields.indexOf('-', 6);
    const mountPoint = fields[4];
    if (sep < 0 || mountPoint === undefined) continue;
    out.push({
      mountPoint: unescape(mountPoint),
      fsType: fields[sep + 1] ?? '',
      source: unescape(fields[sep + 2] ?? ''),
    });
  }
  return out;
}
