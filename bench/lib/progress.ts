// The progress bar of `npm run bench` on stderr: one bar per stage (wasm grid, training, webgpu grid).
import cliProgress from 'cli-progress';

export type OnProgress = (done: number, total: number, what: string) => void;

/** A progress callback drawing a bar for `stage`; the bar stops when done reaches total. */
export function progressBar(stage: string): OnProgress {
  const bar = new cliProgress.SingleBar(
    { format: `${stage} [{bar}] {value}/{total} | {duration}s | {what}`, stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return (done, total, what) => {
    if (!started) bar.start(total, done, { what });
    started = true;
    bar.setTotal(total);
    bar.update(done, { what });
    if (done >= total) bar.stop();
  };
}
