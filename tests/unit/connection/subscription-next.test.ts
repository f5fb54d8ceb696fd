import { describe, expect, it } from 'vitest';
import { EventSubscription } from '../../../src/connection/events/subscription.js';

// The async-iterator protocol lets a consumer call next() again before the last call settled (async generators
// queue such calls); each must get its own item, or the end.

const settledWithin = <T>(promise: Promise<T>): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 200))]);

describe('EventSubscription.next() called again before the last call settled', () => {
  it('gives each call its own item, in order', async () => {
    const subscription = new EventSubscription<number>({ onEnd: () => undefined });
    const first = subscription.next();
    const second = subscription.next();
    subscription.push(1);
    subscription.push(2);
    expect(await settledWithin(first)).toEqual({ value: 1, done: false });
    expect(await settledWithin(second)).toEqual({ value: 2, done: false });
  });

  it('ends every waiting call when the subscription ends', async () => {
    const subscription = new EventSubscription<number>({ onEnd: () => undefined });
    const waiting = [subscription.next(), subscription.next()];
    subscription.end();
    for (const next of waiting) expect(await settledWithin(next)).toEqual({ value: undefined, done: true });
  });
});
