/**
 * The LRU cache the stack's bundles carry in place of mnemonist's (shared/lambdaLruCache.ts) behaves
 * as mnemonist's does for every member `@aws-sdk/endpoint-cache` calls: any sequence of operations
 * gives the same answers from both.
 */
import fc from 'fast-check';
import MnemonistLRUCache from 'mnemonist/lru-cache';
import { describe, expect, it } from 'vitest';
import LRUCache from '#shared/lambdaLruCache';

type Op = { op: 'get' | 'peek' | 'has'; key: number } | { op: 'set'; key: number; value: number } | { op: 'clear' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('get' as const, 'peek' as const, 'has' as const), key: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ op: fc.constant('set' as const), key: fc.integer({ min: 0, max: 6 }), value: fc.integer() }),
  fc.constant({ op: 'clear' as const }),
);

describe('the bundled LRU cache', () => {
  it('answers every get, peek and has as mnemonist does, whatever the sequence and capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(opArb, { maxLength: 60 }), (capacity, ops) => {
        const ours = new LRUCache<number, number>(capacity);
        const theirs = new MnemonistLRUCache<number, number>(capacity);
        for (const o of ops) {
          if (o.op === 'set') {
            ours.set(o.key, o.value);
            theirs.set(o.key, o.value);
          } else if (o.op === 'clear') {
            ours.clear();
            theirs.clear();
          } else expect(ours[o.op](o.key)).toEqual(theirs[o.op](o.key));
          expect(ours.size).toBe(theirs.size);
        }
      }),
    );
  });

  it('drops the least recently used entry when full, a get counting as a use and a peek not', () => {
    const cache = new LRUCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.peek('a')).toBe(1);
    cache.set('d', 4);
    expect([cache.has('a'), cache.has('c'), cache.has('d')]).toEqual([false, true, true]);
  });
});
