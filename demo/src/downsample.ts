// A drawing reduced the way the UCI digits were made: the strokes fitted into a 32×32 bitmap, then the
// "on" pixels counted in each 4×4 block, giving 8×8 values from 0 to 16.

const SIDE = 32, BLOCK = 4, CELLS = SIDE / BLOCK;

/** The 8×8 counts of a 32×32 bitmap (non-zero = on), row-major. */
export function blockCounts(bitmap: Uint8Array): Float32Array {
  const out = new Float32Array(CELLS * CELLS);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) if (bitmap[y * SIDE + x]) out[Math.floor(y / BLOCK) * CELLS + Math.floor(x / BLOCK)]++;
  }
  return out;
}

/** The strokes' bounding box in a canvas (any pixel with alpha), or null when it is blank. */
function inkBox(ctx: CanvasRenderingContext2D): { x: number; y: number; w: number; h: number } | null {
  const { width, height } = ctx.canvas, data = ctx.getImageData(0, 0, width, height).data;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * 4 + 3] > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** The drawing on `pad` (strokes on a transparent background) as 64 values in 0..16, or null if blank. */
export function digitCells(pad: HTMLCanvasElement): Float32Array | null {
  const box = inkBox(pad.getContext('2d', { willReadFrequently: true })!);
  if (!box) return null;
  const scale = (SIDE - 2) / Math.max(box.w, box.h), w = box.w * scale, h = box.h * scale;
  const small = new OffscreenCanvas(SIDE, SIDE), ctx = small.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(pad, box.x, box.y, box.w, box.h, (SIDE - w) / 2, (SIDE - h) / 2, w, h);
  const rgba = ctx.getImageData(0, 0, SIDE, SIDE).data, bitmap = new Uint8Array(SIDE * SIDE);
  for (let i = 0; i < bitmap.length; i++) bitmap[i] = rgba[i * 4 + 3] > 96 ? 1 : 0;
  return blockCounts(bitmap);
}
