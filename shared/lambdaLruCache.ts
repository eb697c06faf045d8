/**
 * The least-recently-used cache the DynamoDB client's endpoint discovery keeps its endpoints in, as a
 * Lambda function needs it. The stack's bundler puts this module in place of `mnemonist/lru-cache`
 * (infra/gatewayFunction.ts `LAMBDA_ALIASES`), which `@aws-sdk/endpoint-cache` imports: the client
 * builds that cache at construction although DynamoDB endpoint discovery stays off unless configured
 * (it is not), and mnemonist with its iterator helpers is ~7 KB of every bundle. The members are the
 * ones `@aws-sdk/endpoint-cache` calls, with mnemonist's meaning: `get` refreshes an entry, `peek`
 * does not, and a full cache drops its least recently used entry. The local runner and the tests run
 * the real module (they are not bundled); test/unit/lambdaLruCache.test.ts holds this one to it.
 */
export default class LRUCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    // A Map iterates in insertion order: inserting again makes the entry the most recently used.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  clear(): void {
    this.entries.clear();
  }
}
