import { parameterDefaults } from './contract.js';

export interface PageQuery {
  limit?: number;
  starting_after?: string;
}

export interface Page<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/** Lists are newest first by id (ids sort by creation time); fetch one extra row to learn has_more. */
export function pageOf<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return {
    object: 'list',
    data,
    has_more: hasMore,
    next_cursor: hasMore ? (data[data.length - 1]?.id ?? null) : null,
  };
}

export function limitOf(q: PageQuery): number {
  return q.limit ?? parameterDefaults.Limit;
}
