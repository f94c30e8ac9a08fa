import type { StopSignal } from './calls';

interface Waiter {
  /** performance.now() by which the waiter gives up. */
  deadline: number;
  start(): void;
  refuse(error: Error): void;
  /** Set once the waiter has been started or refused: it is then skipped. */
  settled: boolean;
}

export interface LimiterOptions {
  /** The most tasks running at once. */
  limit: number;
  /** The longest a task may wait for its turn. */
  maxWaitMs: number;
  /** The error of a task that waited `maxWaitMs` in vain. */
  waitedTooLong(waitedMs: number): Error;
}

/** Waiting lists are compacted once this many settled entries sit at their head. */
const COMPACT_AFTER = 1024;

/**
 * At most `limit` tasks run at once; the others wait in arrival order, each at most `maxWaitMs`
 * (then it is refused), or until its stop signal fires. One timer serves every deadline: waiters
 * arrive in deadline order. `close` refuses every waiting task and every later one.
 */
export class Limiter {
  private running = 0;
  private waiting: Waiter[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private closedWith: Error | undefined;

  constructor(private readonly options: LimiterOptions) {}

  /** Tasks waiting for their turn. */
  get queued(): number {
    let count = 0;
    for (let index = this.head; index < this.waiting.length; index++) {
      if (!this.waiting[index].settled) count++;
    }
    return count;
  }

  async run<T>(task: () => Promise<T>, stop?: StopSignal): Promise<T> {
    await this.acquire(stop);
    try {
      return await task();
    } finally {
      this.running--;
      this.startNext();
    }
  }

  close(error: Error): void {
    this.closedWith = error;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const waiter of this.waiting.splice(0)) {
      if (!waiter.settled) waiter.refuse(error);
    }
    this.head = 0;
  }

  private acquire(stop: StopSignal | undefined): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (stop?.reason) return Promise.reject(stop.reason);
    if (this.running < this.options.limit && !this.nextWaiter()) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const unsubscribe = stop?.subscribe((reason) => waiter.refuse(reason));
      const waiter: Waiter = {
        deadline: performance.now() + this.options.maxWaitMs,
        settled: false,
        start: () => {
          waiter.settled = true;
          unsubscribe?.();
          this.running++;
          resolve();
        },
        refuse: (error) => {
          if (waiter.settled) return;
          waiter.settled = true;
          unsubscribe?.();
          reject(error);
        },
      };
      this.waiting.push(waiter);
      this.watchDeadlines();
    });
  }

  /** Starts the first waiter still waiting, if a slot is free. */
  private startNext(): void {
    while (this.running < this.options.limit) {
      const waiter = this.nextWaiter();
      if (!waiter) break;
      this.head++;
      waiter.start();
    }
    this.compact();
  }

  private nextWaiter(): Waiter | undefined {
    while (this.head < this.waiting.length && this.waiting[this.head].settled) this.head++;
    return this.waiting[this.head];
  }

  private compact(): void {
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
      clearTimeout(this.timer);
      this.timer = undefined;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }

  /** Refuses the waiters whose deadline has passed, then waits for the next deadline. */
  private watchDeadlines(): void {
    if (this.timer) return;
    const first = this.nextWaiter();
    if (!first) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = performance.now();
        for (let waiter = this.nextWaiter(); waiter && waiter.deadline <= now;) {
          this.head++;
          waiter.refuse(this.options.waitedTooLong(this.options.maxWaitMs));
          waiter = this.nextWaiter();
        }
        this.compact();
        this.watchDeadlines();
      },
      Math.max(0, first.deadline - performance.now()),
    );
  }
}
