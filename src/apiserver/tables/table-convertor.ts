/**
 * Server-side printing: the columns kubectl shows for each resource (`kubectl get`), computed here
 * as upstream's printers do. Resources without their own columns get upstream's default: the name
 * and the creation time.
 *
 * The API server always builds the wide table (every column, priority 1 included); kubectl hides
 * the columns with a priority above 0 unless it was asked for `-o wide`.
 */
import type { KubeObject, TableColumnDefinition } from '../../api/index.ts';

/**
 * A condition of one table row. Upstream sets `Completed` (status True) on pods in a terminal
 * phase; watchers such as `kubectl get -w` use it to tell finished rows apart.
 */
export interface TableRowCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
}

/**
 * How one resource is printed. Called by the read handlers (get, list, watch) for every object
 * of a Table response: `cells` must be cheap, pure and must not throw on any stored object
 * (missing optional fields are printed as upstream prints zero values).
 */
export interface TableConvertor {
  /** The columns, in order; the same for every row. */
  readonly columns: readonly TableColumnDefinition[];
  /** The cells of one row, in column order. `now` (ms since the epoch) is for ages. */
  cells(obj: KubeObject, now: number): unknown[];
  /** The row's conditions, where upstream sets any; undefined for none. */
  rowConditions?(obj: KubeObject): readonly TableRowCondition[] | undefined;
}

/** One row of a Table for `obj`: its cells and, when the convertor has any, its conditions. */
export function tableRowOf(
  convertor: TableConvertor,
  obj: KubeObject,
  now: number,
): { cells: unknown[]; conditions?: readonly TableRowCondition[] } {
  const cells = convertor.cells(obj, now);
  const conditions = convertor.rowConditions?.(obj);
  return conditions ? { cells, conditions } : { cells };
}

/**
 * A convertor for objects of one type: `cells` (and `rowConditions`) get the object as `T`.
 * Only the read handlers call it, with objects of the resource it was registered for.
 */
export function typedTableConvertor<T extends KubeObject>(
  columns: readonly TableColumnDefinition[],
  cells: (obj: T, now: number) => unknown[],
  rowConditions?: (obj: T) => readonly TableRowCondition[] | undefined,
): TableConvertor {
  const convertor: TableConvertor = {
    columns,
    cells: (obj, now) => cells(obj as T, now),
  };
  if (rowConditions) convertor.rowConditions = (obj) => rowConditions(obj as T);
  return convertor;
}

export const nameColumn: TableColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace; it identifies the object.',
  priority: 0,
};

export const defaultTableConvertor: TableConvertor = {
  columns: [
    nameColumn,
    {
      name: 'Created At',
      type: 'date',
      format: '',
      description: 'When the server created the object.',
      priority: 0,
    },
  ],
  cells: (obj) => [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? ''],
};
