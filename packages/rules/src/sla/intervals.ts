/**
 * Half-open time intervals [start, end) in epoch milliseconds. Uptime needs a union (outages reported by two
 * monitors overlap and must count once) and an intersection length (outage time inside excused maintenance).
 */
export interface Interval {
  start: number;
  end: number;
}

/** The intervals cut to [from, to), empty ones dropped. */
export function clip(intervals: readonly Interval[], from: number, to: number): Interval[] {
  return intervals.map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) })).filter((i) => i.end > i.start);
}

/** Sorted, non-overlapping intervals covering the same time; touching intervals are joined. */
export function union(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const i of sorted) {
    const last = merged.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else merged.push({ ...i });
  }
  return merged;
}

/** Total length of intervals that do not overlap (the output of `union`). */
export function totalLength(disjoint: readonly Interval[]): number {
  return disjoint.reduce((sum, i) => sum + (i.end - i.start), 0);
}

/** Length of the time covered by both lists, each already disjoint and sorted. */
export function overlapLength(a: readonly Interval[], b: readonly Interval[]): number {
  let total = 0;
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]!.end <= x.start) j++;
    for (let k = j; k < b.length && b[k]!.start < x.end; k++) total += Math.min(x.end, b[k]!.end) - Math.max(x.start, b[k]!.start);
  }
  return total;
}
