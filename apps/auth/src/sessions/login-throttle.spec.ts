import { accountDelayMs } from './login-throttle';

describe('accountDelayMs', () => {
  it('is nothing below the threshold, then doubles from 250 ms up to the cap', () => {
    expect([0, 4, 5, 6, 7, 8, 9, 50, 10_000].map((n) => accountDelayMs(n, 5, 5_000))).toEqual([0, 0, 250, 500, 1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});
