import { PeriodicTask } from './periodic-task';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PeriodicTask', () => {
  it('runs one step at a time, goes on after a failure, and stop() waits for the step in progress', async () => {
    const warnings: string[] = [];
    let runs = 0;
    let active = 0;
    let overlapped = false;
    let finished = 0;
    const task = new PeriodicTask({
      name: 'test sweep',
      everyMs: 10,
      logger: { warn: (_o, m) => void warnings.push(m ?? ''), error: () => undefined },
      run: async () => {
        runs++;
        overlapped ||= active > 0;
        active++;
        await sleep(35); // longer than the interval: ticks in between must skip
        active--;
        finished++;
        if (runs === 1) throw new Error('boom');
      },
    });
    task.start();
    await sleep(150);
    await task.stop();
    const after = runs;
    expect(overlapped).toBe(false);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(finished).toBe(runs); // stop() returned only after the step in progress ended
    expect(warnings[0]).toBe('test sweep failed; the next one retries');
    await sleep(50);
    expect(runs).toBe(after); // no tick after stop()
  });
});
