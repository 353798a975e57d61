/**
 * Child process for the SQLite crash test (run through `spawnTypeScript`):
 *
 *   crash-writer.ts <db path> <run id>
 *
 * Opens the store, prints `ready <revision>`, then writes until it is killed: 16 writers create
 * keys `/crash/<run>/<n>` with value `<key>#1`; every third key is then updated to `<key>#2` and
 * every tenth deleted (so every thirtieth is updated, then deleted). A compactor keeps compacting
 * to 200 revisions behind the head, so kills also land in the middle of compactions.
 *
 * Each acknowledged write is printed as one line, `put|upd|del <key> <revision>`, only after its
 * promise resolved, i.e. after COMMIT. stdout is a pipe, which Node writes synchronously on Linux,
 * so a line printed is a line the parent will read even if the kill comes right after it.
 */
import { SqliteStore } from '../sqlite/sqlite-store.ts';

const [path, run] = process.argv.slice(2);
if (path === undefined || run === undefined) {
  process.stderr.write('usage: crash-writer.ts <db path> <run id>\n');
  process.exit(2);
}

const store = await SqliteStore.open({ path, compactionBatchRows: 100 });
const encoder = new TextEncoder();
const say = (line: string): void => {
  process.stdout.write(line + '\n');
};
say(`ready ${await store.currentRevision()}`);

let next = 0;

async function writer(): Promise<void> {
  for (;;) {
    const n = next++;
    const key = `/crash/${run}/${n}`;
    const created = await store.create(key, encoder.encode(`${key}#1`));
    say(`put ${key} ${created.modRevision}`);
    let rev = created.modRevision;
    if (n % 3 === 0) {
      const updated = await store.update(key, encoder.encode(`${key}#2`), rev);
      say(`upd ${key} ${updated.modRevision}`);
      rev = updated.modRevision;
    }
    if (n % 10 === 0) {
      const deleted = await store.delete(key, rev);
      say(`del ${key} ${deleted.modRevision}`);
    }
  }
}

async function compactor(): Promise<void> {
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    const head = await store.currentRevision();
    if (head > 200) await store.compact(head - 200);
  }
}

await Promise.all([...Array.from({ length: 16 }, writer), compactor()]);
