import { describe, expect, it } from 'vitest';
import { ProgressFeed } from '../../../src/runtime/index.js';

describe('ProgressFeed', () => {
  it('calls back on every report and iterates the newest when the reader falls behind', async () => {
    const seen: number[] = [];
    const feed = new ProgressFeed<number>((p) => seen.push(p));
    feed.push(1);
    feed.push(2);
    feed.push(3);
    const read: number[] = [];
    const reader = (async () => {
      for await (const p of feed) read.push(p);
    })();
    await new Promise((r) => setTimeout(r, 5));
    feed.push(4);
    feed.end();
    feed.push(5);
    await reader;
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(read).toEqual([3, 4]);
    expect(feed.last).toBe(4);
  });

  it('throws the job error after the last report, and survives a throwing callback', async () => {
    const feed = new ProgressFeed<number>(() => {
      throw new Error('bad callback');
    });
    feed.push(1);
    feed.end(new Error('job failed'));
    const read: number[] = [];
    await expect(
      (async () => {
        for await (const p of feed) read.push(p);
      })(),
    ).rejects.toThrow('job failed');
    expect(read).toEqual([1]);
  });
});
