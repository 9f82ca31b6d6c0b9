/**
 * @module
 * Text boxes from a DB (differentiable binarisation) probability map, as PaddleOCR's
 * DBPostProcess does it: binarise at `thresh`, take each connected region, score it by its
 * mean probability, drop weak or tiny regions, and grow ("unclip") the box by
 * area * ratio / perimeter, because DB predicts shrunken text kernels.
 * Boxes here are axis-aligned rectangles (PaddleOCR fits rotated ones), given as 4 points.
 */

export interface DbOptions {
  thresh: number;
  boxThresh: number;
  unclipRatio: number;
  maxCandidates: number;
  minSize: number;
}

export interface TextBox {
  /** Corners clockwise from top-left, in source-image pixels. */
  points: [[number, number], [number, number], [number, number], [number, number]];
  score: number;
}

/** `map` is height x width probabilities; `scaleX/scaleY` map map pixels to source pixels. */
export function dbBoxes(
  map: Float32Array,
  width: number,
  height: number,
  scale: { x: number; y: number; maxX: number; maxY: number },
  o: DbOptions,
): TextBox[] {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const boxes: TextBox[] = [];
  let next = 0;
  for (let start = 0; start < map.length && next < o.maxCandidates; start++) {
    if (labels[start] !== 0 || (map[start] ?? 0) <= o.thresh) {
      continue;
    }
    next += 1;
    const region = flood(map, width, height, start, next, labels, stack, o.thresh);
    const w = region.maxX - region.minX + 1;
    const h = region.maxY - region.minY + 1;
    if (Math.min(w, h) < o.minSize) {
      continue;
    }
    const score = region.sum / region.count;
    if (score < o.boxThresh) {
      continue;
    }
    const grow = (w * h * o.unclipRatio) / (2 * (w + h));
    if (Math.min(w, h) + 2 * grow < o.minSize + 2) {
      continue;
    }
    const x0 = clamp((region.minX - grow) * scale.x, scale.maxX);
    const y0 = clamp((region.minY - grow) * scale.y, scale.maxY);
    const x1 = clamp((region.maxX + 1 + grow) * scale.x, scale.maxX);
    const y1 = clamp((region.maxY + 1 + grow) * scale.y, scale.maxY);
    boxes.push({
      points: [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
      ],
      score: Math.round(score * 1e4) / 1e4,
    });
  }
  // Reading order: top to bottom, then left to right within a line.
  return boxes.toSorted((a, b) =>
    Math.abs(a.points[0][1] - b.points[0][1]) < 10 ? a.points[0][0] - b.points[0][0] : a.points[0][1] - b.points[0][1],
  );
}

interface Region {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  sum: number;
  count: number;
}

/** 8-connected flood fill with an explicit stack (no recursion depth limits). */
function flood(
  map: Float32Array,
  width: number,
  height: number,
  start: number,
  label: number,
  labels: Int32Array,
  stack: Int32Array,
  thresh: number,
): Region {
  const r: Region = { minX: width, minY: height, maxX: 0, maxY: 0, sum: 0, count: 0 };
  let top = 0;
  stack[top++] = start;
  labels[start] = label;
  while (top > 0) {
    const i = stack[--top] ?? 0;
    const x = i % width;
    const y = (i - x) / width;
    r.minX = Math.min(r.minX, x);
    r.maxX = Math.max(r.maxX, x);
    r.minY = Math.min(r.minY, y);
    r.maxY = Math.max(r.maxY, y);
    r.sum += map[i] ?? 0;
    r.count += 1;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) {
          continue;
        }
        const j = ny * width + nx;
        if (labels[j] === 0 && (map[j] ?? 0) > thresh) {
          labels[j] = label;
          stack[top++] = j;
        }
      }
    }
  }
  return r;
}

function clamp(v: number, max: number): number {
  return Math.round(Math.min(Math.max(v, 0), max));
}
