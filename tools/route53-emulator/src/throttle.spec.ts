import { TokenBucket } from './throttle';

describe('TokenBucket', () => {
  it('lets a full burst through and then refuses until tokens refill', () => {
    let now = 0;
    const bucket = new TokenBucket({ rps: 5, burst: 5 }, () => now);
    const firstSecond = Array.from({ length: 6 }, () => bucket.tryTake());
    expect(firstSecond).toEqual([true, true, true, true, true, false]);
    now += 200;
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('never holds more than the burst however long it rests', () => {
    let now = 0;
    const bucket = new TokenBucket({ rps: 5, burst: 2 }, () => now);
    now += 60_000;
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
  });

  it('does not throttle when rps is 0', () => {
    const bucket = new TokenBucket({ rps: 0, burst: 1 }, () => 0);
    expect(Array.from({ length: 100 }, () => bucket.tryTake()).every(Boolean)).toBe(true);
  });

  it('starts a full bucket when reconfigured', () => {
    let now = 0;
    const bucket = new TokenBucket({ rps: 1, burst: 1 }, () => now);
    expect(bucket.tryTake()).toBe(true);
    bucket.reconfigure({ rps: 1, burst: 3 });
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now += 1000;
    expect(bucket.tryTake()).toBe(true);
  });
});
