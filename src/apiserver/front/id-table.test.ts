import { describe, expect, it } from 'vitest';
import { IdTable } from './id-table.ts';

describe('IdTable', () => {
  it('finds what was set by its id, and nothing once it is deleted', () => {
    const table = new IdTable<{ name: string }>();
    const a = { name: 'a' };
    table.set(7, a);
    expect(table.get(7)).toBe(a);
    expect(table.has(7)).toBe(true);
    expect(table.get(8)).toBeUndefined();
    expect(table.has(8)).toBe(false);
    table.delete(7);
    expect(table.get(7)).toBeUndefined();
    expect(table.has(7)).toBe(false);
    table.delete(7); // deleting an id that is gone is harmless
  });

  it('lists the entries in flight as an array the caller may change the table under', () => {
    const table = new IdTable<{ id: number }>();
    for (let id = 1; id <= 100_000; id++) {
      table.set(id, { id });
      if (id > 3) table.delete(id - 3);
    }
    const values = table.values();
    expect(values.map((v) => v.id)).toEqual([99_998, 99_999, 100_000]);
    for (const v of values) table.delete(v.id);
    expect(table.values()).toEqual([]);
  });
});
