/**
 * Serialises work on the same keys: `acquire` waits until every earlier holder of any of its keys
 * has released them. A caller registers all its keys in one synchronous step, so two callers
 * sharing several keys queue in the same order on each of them and can never wait on each other.
 */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(keys: Iterable<string>): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const earlier: Promise<void>[] = [];
    const mine = [...new Set(keys)];
    for (const key of mine) {
      const tail = this.tails.get(key);
      if (tail) earlier.push(tail);
      this.tails.set(key, held);
    }
    await Promise.all(earlier);
    return () => {
      for (const key of mine) if (this.tails.get(key) === held) this.tails.delete(key);
      release();
    };
  }
}
