/**
 * Go's `sort.SliceStable`, step for step: insertion sort over blocks of 20, then SymMerge rounds
 * (Kim & Kutzner) with rotations. Strategic merge patch orders lists with a comparator that is not
 * a strict weak order when an element is missing from the ordering list (upstream's comparator then
 * answers "less" for every pair), and for such a comparator only the same sequence of comparisons
 * and swaps gives the same result a real cluster produces. For a proper comparator it is simply a
 * stable sort. Sorts `a` in place.
 */
export function goSliceStable<T>(a: T[], less: (x: T, y: T) => boolean): void {
  const n = a.length;
  const lessAt = (i: number, j: number): boolean => less(a[i] as T, a[j] as T);
  const swap = (i: number, j: number): void => {
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  };

  const insertionSort = (lo: number, hi: number): void => {
    for (let i = lo + 1; i < hi; i++) {
      for (let j = i; j > lo && lessAt(j, j - 1); j--) swap(j, j - 1);
    }
  };

  const swapRange = (x: number, y: number, count: number): void => {
    for (let k = 0; k < count; k++) swap(x + k, y + k);
  };

  // Exchanges the blocks [lo, mid) and [mid, hi) by repeatedly swapping equal-length runs.
  const rotate = (lo: number, mid: number, hi: number): void => {
    let left = mid - lo;
    let right = hi - mid;
    while (left !== right) {
      if (left > right) {
        swapRange(mid - left, mid, right);
        left -= right;
      } else {
        swapRange(mid - left, mid + right - left, left);
        right -= left;
      }
    }
    swapRange(mid - left, mid, left);
  };

  // Merges the sorted runs [lo, mid) and [mid, hi) in place.
  const symMerge = (lo: number, mid: number, hi: number): void => {
    if (mid - lo === 1) {
      // One element on the left: binary-search its place in the right run and bubble it there.
      let i = mid;
      let j = hi;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessAt(h, lo)) i = h + 1;
        else j = h;
      }
      for (let k = lo; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (hi - mid === 1) {
      // One element on the right: the mirror image.
      let i = lo;
      let j = mid;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessAt(mid, h)) i = h + 1;
        else j = h;
      }
      for (let k = mid; k > i; k--) swap(k, k - 1);
      return;
    }
    const half = (lo + hi) >>> 1;
    const total = half + mid;
    let start: number;
    let r: number;
    if (mid > half) {
      start = total - hi;
      r = half;
    } else {
      start = lo;
      r = mid;
    }
    const p = total - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessAt(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = total - start;
    if (start < mid && mid < end) rotate(start, mid, end);
    if (lo < start && start < half) symMerge(lo, start, half);
    if (half < end && end < hi) symMerge(half, end, hi);
  };

  let block = 20;
  let lo = 0;
  let hi = block;
  while (hi <= n) {
    insertionSort(lo, hi);
    lo = hi;
    hi += block;
  }
  insertionSort(lo, n);
  while (block < n) {
    lo = 0;
    hi = 2 * block;
    while (hi <= n) {
      symMerge(lo, lo + block, hi);
      lo = hi;
      hi += 2 * block;
    }
    const m = lo + block;
    if (m < n) symMerge(lo, m, n);
    block *= 2;
  }
}
