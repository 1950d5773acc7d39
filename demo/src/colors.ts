// Colours of the demo: one per class, and a perceptual ramp (dark violet -> orange -> pale yellow) for uncertainty.

export const CLASS_COLORS: [number, number, number][] = [
  [59, 130, 246], [244, 114, 82], [52, 199, 132], [234, 179, 8], [168, 85, 247],
  [236, 72, 153], [20, 184, 166], [249, 115, 22], [132, 204, 22], [148, 163, 184],
];

const RAMP: [number, number, number][] = [[13, 8, 35], [84, 22, 110], [170, 45, 110], [236, 96, 62], [252, 181, 72], [252, 245, 180]];

/** The ramp's colour at t in [0, 1] (clamped; NaN counts as 0). */
export function ramp(t: number): [number, number, number] {
  const x = (t > 0 ? Math.min(1, t) : 0) * (RAMP.length - 1), i = Math.min(RAMP.length - 2, Math.floor(x)), f = x - i;
  const a = RAMP[i], b = RAMP[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function css([r, g, b]: [number, number, number], alpha = 1): string {
  return `rgba(${r | 0}, ${g | 0}, ${b | 0}, ${alpha})`;
}
