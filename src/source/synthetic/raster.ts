/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/**
 * Draws the scene's figures as filled circles and convex polygons, and keeps, for each figure id
 * (1-based), which pixels it owns in the frame, how many of them are still visible (not painted
 * over by a nearer figure), how many it drew in total (including off-frame pixels) and the
 * bounding box of everything it drew. That is what the ground truth is made from.
 */
export class Raster {
  readonly width: number;
  readonly height: number;
  /** Figure id owning each pixel, 0 for the background. */
  readonly ids: Uint8Array;
  readonly visible: Int32Array;
  readonly total: Int32Array;
  /** Unclipped bounding box per id, pixel edges: x1,y1 inclusive, x2,y2 exclusive. */
  readonly x1: Int32Array;
  readonly y1: Int32Array;
  readonly x2: Int32Array;
  readonly y2: Int32Array;
  private rgb: Uint8Array | null = null;

  constructor(width: number, height: number, maxIds: number) {
    this.width = width;
    this.height = height;
    this.ids = new Uint8Array(width * height);
    this.visible = new Int32Array(maxIds + 1);
    this.total = new Int32Array(maxIds + 1);
    this.x1 = new Int32Array(maxIds + 1);
    this.y1 = new Int32Array(maxIds + 1);
    this.x2 = new Int32Array(maxIds + 1);
    this.y2 = new Int32Array(maxIds + 1);
  }

  /** Starts a frame: colours go to `rgb` (or nowhere when null, for truth only). */
  begin(rgb: Uint8Array | null): void {
    this.rgb = rgb;
    this.ids.fill(0);
    this.visible.fill(0);
    this.total.fill(0);
    this.x1.fill(2 ** 30);
    this.y1.fill(2 ** 30);
    this.x2.fill(-(2 ** 30));
    this.y2.fill(-(2 ** 30));
  }

  /** Paints pixels xa..xb (inclusive, unclipped) of row y. */
  private span(y: number, xa: number, xb: number, id: number, c: Rgb): void {
    if (xb < xa) return;
    if (xa < this.x1[id]!) this.x1[id] = xa;
    if (xb + 1 > this.x2[id]!) this.x2[id] = xb + 1;
    if (y < this.y1[id]!) this.y1[id] = y;
    if (y + 1 > this.y2[id]!) this.y2[id] = y + 1;
    const w = this.width;
    if (y < 0 || y >= this.height) {
      this.total[id]! += xb - xa + 1;
      return;
    }
    const lo = Math.max(xa, 0);
    const hi = Math.min(xb, w - 1);
    this.total[id]! += xb - xa + 1 - Math.max(0, hi - lo + 1);
    const ids = this.ids;
    const rgb = this.rgb;
    const [r, g, b] = c;
    for (let x = lo, p = y * w + lo; x <= hi; x++, p++) {
      const prev = ids[p]!;
      if (prev !== id) {
        if (prev !== 0) this.visible[prev]!--;
        ids[p] = id;
        this.visible[id]!++;
        this.total[id]!++;
      }
      if (rgb !== null) {
        const q = p * 3;
        rgb[q] = r;
        rgb[q + 1] = g;
        rgb[q + 2] = b;
      }
    }
  }

  /** A filled circle; pixels whose centres lie inside it. */
  fillCircle(cx: number, cy: number, radius: number, id: number, c: Rgb): void {
    const ya = Math.ceil(cy - radius - 0.5);
    const yb = Math.floor(cy + radius - 0.5);
    for (let y = ya; y <= yb; y++) {
      const dy = y + 0.5 - cy;
      const dx = Math.sqrt(Math.max(0, radius * radius - dy * dy));
      this.span(y, Math.ceil(cx - dx - 0.5), Math.floor(cx + dx - 0.5), id, c);
    }
  }

  /** A filled convex polygon given as flat [x0, y0, x1, y1, ...] vertex coordinates. */
  fillPolygon(pts: readonly number[], id: number, c: Rgb): void {
    const n = pts.length >> 1;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const y = pts[2 * i + 1]!;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const ya = Math.ceil(minY - 0.5);
    const yb = Math.floor(maxY - 0.5);
    for (let y = ya; y <= yb; y++) {
      const yc = y + 0.5;
      let xl = Infinity;
      let xr = -Infinity;
      for (let i = 0; i < n; i++) {
        const ax = pts[2 * i]!;
        const ay = pts[2 * i + 1]!;
        const j = (i + 1) % n;
        const bx = pts[2 * j]!;
        const by = pts[2 * j + 1]!;
        if ((yc < ay && yc < by) || (yc > ay && yc > by) || ay === by) continue;
        const x = ax + ((yc - ay) * (bx - ax)) / (by - ay);
        if (x < xl) xl = x;
        if (x > xr) xr = x;
      }
      if (xl <= xr) this.span(y, Math.ceil(xl - 0.5), Math.floor(xr - 0.5), id, c);
    }
  }
}
