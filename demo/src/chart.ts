// A small line chart on a canvas: a few named series over training steps, redrawn on demand.
import { css } from './colors.ts';

export interface Series {
  label: string;
  color: [number, number, number];
}

export class LineChart {
  private readonly points: number[][] = [];
  private readonly steps: number[] = [];
  private readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly series: Series[], private readonly format: (v: number) => string) {
    this.ctx = canvas.getContext('2d')!;
    this.series.forEach(() => this.points.push([]));
  }

  push(step: number, values: number[]): void {
    this.steps.push(step);
    values.forEach((v, i) => this.points[i].push(v));
    this.draw();
  }

  clear(): void {
    this.steps.length = 0;
    this.points.forEach((p) => (p.length = 0));
    this.draw();
  }

  draw(): void {
    const { canvas, ctx } = this, dpr = globalThis.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr)) canvas.width = Math.round(w * dpr);
    if (canvas.height !== Math.round(h * dpr)) canvas.height = Math.round(h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const pad = { left: 44, right: 10, top: 22, bottom: 18 };
    const finite = this.points.flat().filter(Number.isFinite);
    ctx.font = '11px system-ui, sans-serif';
    canvas.dataset.empty = String(finite.length === 0);
    if (finite.length === 0) {
      // No axis without data: a scale of identical ticks says nothing.
      ctx.fillStyle = '#8b93a7';
      ctx.textAlign = 'center';
      ctx.fillText('no data yet: press Start', w / 2, h / 2);
      ctx.textAlign = 'left';
      return;
    }
    const lo = Math.min(0, ...finite), top = Math.max(...finite);
    const hi = top - lo > 1e-6 ? lo + (top - lo) * 1.05 : lo + 1; // flat data still gets distinct ticks
    const last = this.steps.at(-1) ?? 1, first = this.steps[0] ?? 0;
    const x = (s: number) => pad.left + ((s - first) / Math.max(1, last - first)) * (w - pad.left - pad.right);
    const y = (v: number) => h - pad.bottom - ((v - lo) / (hi - lo)) * (h - pad.top - pad.bottom);
    ctx.fillStyle = '#8b93a7';
    ctx.strokeStyle = '#2a3040';
    ctx.lineWidth = 1;
    for (let k = 0; k <= 4; k++) {
      const v = lo + ((hi - lo) * k) / 4;
      ctx.beginPath();
      ctx.moveTo(pad.left, y(v));
      ctx.lineTo(w - pad.right, y(v));
      ctx.stroke();
      ctx.fillText(this.format(v), 4, y(v) + 4);
    }
    this.series.forEach((s, i) => {
      ctx.fillStyle = css(s.color);
      ctx.fillText(s.label, pad.left + i * 70, 13);
      const pts = this.points[i];
      ctx.strokeStyle = css(s.color);
      ctx.lineWidth = 2;
      ctx.beginPath();
      pts.forEach((v, k) => (k ? ctx.lineTo(x(this.steps[k]), y(v)) : ctx.moveTo(x(this.steps[k]), y(v))));
      ctx.stroke();
    });
  }
}
