// The two maps of a 2-D set: decision regions (class colours mixed by the ensemble's mean probabilities) and
// the ensemble's uncertainty (entropy or mutual information on a colour ramp), both with the training points.
import { CLASS_COLORS, css, ramp } from './colors.ts';
import { PLANE, type Points } from './protocol.ts';

export type Uncertainty = 'entropy' | 'mutualInformation';

function fitCanvas(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const dpr = globalThis.devicePixelRatio || 1, size = Math.round(canvas.clientWidth * dpr);
  if (canvas.width !== size) canvas.width = canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  return ctx;
}

/** Paints one RGB colour per grid cell, scaled up smoothly to the canvas. */
function paintGrid(canvas: HTMLCanvasElement, color: (cell: number) => [number, number, number]): CanvasRenderingContext2D {
  const cells = PLANE.cells, image = new ImageData(cells, cells);
  for (let i = 0; i < cells * cells; i++) {
    const [r, g, b] = color(i);
    image.data.set([r, g, b, 255], i * 4);
  }
  const small = new OffscreenCanvas(cells, cells);
  small.getContext('2d')!.putImageData(image, 0, 0);
  const ctx = fitCanvas(canvas);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  return ctx;
}

function drawPoints(ctx: CanvasRenderingContext2D, points: Points, outline: string): void {
  const size = ctx.canvas.width, dpr = globalThis.devicePixelRatio || 1, span = PLANE.max - PLANE.min;
  ctx.lineWidth = dpr;
  ctx.strokeStyle = outline;
  for (let i = 0; i < points.y.length; i++) {
    const px = ((points.x[2 * i] - PLANE.min) / span) * size, py = ((PLANE.max - points.x[2 * i + 1]) / span) * size;
    ctx.fillStyle = css(CLASS_COLORS[points.y[i] % CLASS_COLORS.length]);
    ctx.beginPath();
    ctx.arc(px, py, 2.6 * dpr, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}

export function drawRegions(canvas: HTMLCanvasElement, probs: Float32Array, classes: number, points: Points): void {
  const ctx = paintGrid(canvas, (i) => {
    const mix = [0, 0, 0];
    for (let c = 0; c < classes; c++) {
      const p = probs[i * classes + c], col = CLASS_COLORS[c % CLASS_COLORS.length];
      for (let k = 0; k < 3; k++) mix[k] += p * col[k];
    }
    return [mix[0] * 0.45 + 18, mix[1] * 0.45 + 20, mix[2] * 0.45 + 28]; // darkened so the points stand out
  });
  drawPoints(ctx, points, 'rgba(255,255,255,0.85)');
}

/** Where a value sits on the ramp: the square root of its share of log(classes), the largest entropy possible. */
const rampPosition = (value: number, classes: number): number => Math.sqrt(Math.max(0, value) / Math.log(classes));

export function drawUncertainty(canvas: HTMLCanvasElement, values: Float32Array, classes: number, points: Points): void {
  const ctx = paintGrid(canvas, (i) => ramp(rampPosition(values[i], classes)));
  drawPoints(ctx, points, 'rgba(0,0,0,0.7)');
}

/** The uncertainty map's colour scale: the ramp from 0 to log(classes) nats, with ticks in nats. */
export function drawScale(canvas: HTMLCanvasElement, classes: number): void {
  const dpr = globalThis.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const left = 8, right = w - 8, bar = 12;
  for (let x = left; x < right; x++) {
    ctx.fillStyle = css(ramp((x - left) / (right - left)));
    ctx.fillRect(x, 0, 1, bar);
  }
  const top = Math.log(classes);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#8b93a7';
  ctx.strokeStyle = '#8b93a7';
  for (const [k, v] of [0, top / 16, top / 4, top].entries()) {
    const x = left + rampPosition(v, classes) * (right - left);
    ctx.beginPath();
    ctx.moveTo(x, bar);
    ctx.lineTo(x, bar + 4);
    ctx.stroke();
    const text = k === 3 ? `${v.toFixed(2)} nats (ln ${classes})` : v.toFixed(k === 0 ? 0 : 2);
    ctx.textAlign = k === 0 ? 'left' : k === 3 ? 'right' : 'center';
    ctx.fillText(text, k === 0 ? Math.max(0, x - 2) : k === 3 ? w : x, bar + 16);
  }
}

export function clearMap(canvas: HTMLCanvasElement): void {
  const ctx = fitCanvas(canvas);
  ctx.fillStyle = '#121622';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
}
