/**
 * At most `limit` tasks run at once; the others wait in arrival order. `close` refuses every
 * waiting task and every later one.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: { start(): void; refuse(error: Error): void }[] = [];
  private closedWith: Error | undefined;

  constructor(private readonly limit: number) {}

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.start();
    }
  }

  close(error: Error): void {
    this.closedWith = error;
    for (const waiter of this.waiting.splice(0)) waiter.refuse(error);
  }

  private acquire(): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({
        start: () => {
          this.running++;
          resolve();
        },
        refuse: reject,
      });
    });
  }
}
