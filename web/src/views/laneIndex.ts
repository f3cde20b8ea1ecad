// Which of a lane's spans (a P's goroutine slices, an M's bands) fall in a
// window of time, without looking at every span of the run: the timeline
// asks this on every frame of a zoom or a pan, over up to a million events.
//
// Each lane keeps its spans in start order (the order the trace appends
// them) with the running maximum of their ends. That maximum only grows, so
// a binary search finds the first span that could still reach the window:
// every span before it ended earlier. From there the spans are read in
// order until one starts after the window. Spans may overlap (nothing here
// assumes a lane does one thing at a time); a span still open (end < 0)
// counts as reaching every later time.

export interface IndexedSpan {
  start: number;
  end: number;
}

export class LaneIndex<T extends IndexedSpan> {
  private readonly lanes: T[][] = [];
  private readonly maxEnd: number[][] = [];

  /** Indexes `spans` (in start order within each lane) by `lane(span)`; negative lanes are left out. */
  constructor(spans: readonly T[], lane: (s: T) => number) {
    for (const s of spans) {
      const l = lane(s);
      if (l < 0) continue;
      while (this.lanes.length <= l) {
        this.lanes.push([]);
        this.maxEnd.push([]);
      }
      const ends = this.maxEnd[l]!;
      const end = s.end < 0 ? Infinity : s.end;
      ends.push(ends.length === 0 ? end : Math.max(ends[ends.length - 1]!, end));
      this.lanes[l]!.push(s);
    }
  }

  /** The spans of `lane` that overlap [t0, t1], in start order; an open span ends at openEnd. */
  window(lane: number, t0: number, t1: number, openEnd: number): T[] {
    const spans = this.lanes[lane];
    if (!spans) return [];
    const ends = this.maxEnd[lane]!;
    // The first span whose running maximum end reaches t0.
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! < t0) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    for (let i = lo; i < spans.length && spans[i]!.start <= t1; i++) {
      const s = spans[i]!;
      if ((s.end < 0 ? openEnd : s.end) >= t0) out.push(s);
    }
    return out;
  }
}
