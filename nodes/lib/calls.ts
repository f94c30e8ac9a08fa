import type { OdooError } from './errors';

/**
 * Like an AbortSignal, without EventTarget's cost and its warning past ten listeners: a node may
 * have thousands of messages waiting on one.
 */
export class StopSignal {
  private readonly listeners = new Set<(reason: OdooError) => void>();
  private stoppedWith: OdooError | undefined;

  get reason(): OdooError | undefined {
    return this.stoppedWith;
  }

  /** Calls `listener` once when the signal fires; the answer unsubscribes. */
  subscribe(listener: (reason: OdooError) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  fire(reason: OdooError): void {
    if (this.stoppedWith) return;
    this.stoppedWith = reason;
    for (const listener of this.listeners) listener(reason);
    this.listeners.clear();
  }
}

/** The errors a stopped group ends its calls with (they name the server's URL). */
export interface StopErrors {
  /** Nothing was sent: the call was still waiting for a slot, the login or a retry. */
  notSent(): OdooError;
  /** A read in flight was cut: nothing was changed. */
  readCut(): OdooError;
  /** A write had not been answered when its grace period ended. */
  writeCut(graceMs: number): OdooError;
}

/**
 * The calls of one user of a shared connection (an action node, a watch, the editor's look-ups).
 * Stopping the group refuses every call that has not been sent, cuts its reads in flight at once
 * and gives its writes in flight a grace period to finish, after which they are cut too; it
 * resolves once every call of the group has ended.
 */
export class CallGroup {
  /** Fires at stop: what waits (a slot, the login, a retry pause) ends, nothing is sent. */
  readonly waiting = new StopSignal();
  /** Fires at stop: reads in flight are cut. */
  readonly reading = new StopSignal();
  /** Fires when the grace period after stop has passed: writes in flight are cut. */
  readonly writing = new StopSignal();
  private active = 0;
  private drained: (() => void) | undefined;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(private readonly errors: StopErrors) {}

  get stopped(): boolean {
    return this.waiting.reason !== undefined;
  }

  /** Counts a call of the group until `end`; refuses it when the group is stopped. */
  begin(): void {
    if (this.waiting.reason) throw this.waiting.reason;
    this.active++;
  }

  end(): void {
    this.active--;
    if (this.active === 0) this.drained?.();
  }

  /** `promise`, unless the group stops first: then the not-sent error. */
  wait<T>(promise: Promise<T>): Promise<T> {
    if (this.waiting.reason) return Promise.reject(this.waiting.reason);
    return new Promise<T>((resolve, reject) => {
      const unsubscribe = this.waiting.subscribe(reject);
      promise.then(
        (value) => {
          unsubscribe();
          resolve(value);
        },
        (error: unknown) => {
          unsubscribe();
          reject(error as Error);
        },
      );
    });
  }

  /** The signal a request listens to: a read ends at stop, a write when its grace has passed. */
  signalFor(write: boolean): StopSignal {
    return write ? this.writing : this.reading;
  }

  /**
   * Stops the group (see the class); resolves once every call has ended, at most `graceMs` after
   * the call (plus the time a cut call takes to settle).
   */
  stop(graceMs: number): Promise<void> {
    if (!this.stopped) {
      this.waiting.fire(this.errors.notSent());
      this.reading.fire(this.errors.readCut());
      this.graceTimer = setTimeout(() => this.writing.fire(this.errors.writeCut(graceMs)), graceMs);
    }
    const ended = () => clearTimeout(this.graceTimer);
    if (this.active === 0) {
      ended();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const previous = this.drained;
      this.drained = () => {
        previous?.();
        ended();
        resolve();
      };
    });
  }
}
