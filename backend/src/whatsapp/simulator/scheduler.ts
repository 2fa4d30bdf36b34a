// Timers and in-flight work the simulator owns, tracked so close()/reset() can cancel them and tests
// can wait until every scheduled status and webhook attempt has happened (whenIdle).
export class Scheduler {
  readonly #timers = new Map<ReturnType<typeof setTimeout>, () => void>();
  readonly #waiters = new Set<() => void>();
  #busy = 0;
  #abort = new AbortController();
  #closed = false;

  /** Aborted by cancelAll(), so in-flight fetches stop with the simulator. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  later(ms: number, fn: () => void | Promise<void>): void {
    if (this.#closed) return;
    this.#busy++;
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        this.#run(fn);
      },
      Math.max(0, ms),
    );
    this.#timers.set(timer, () => this.#done());
  }

  /** Counts a promise as pending work until it settles. */
  track(p: Promise<unknown>): void {
    this.#busy++;
    p.catch(() => undefined).finally(() => this.#done());
  }

  #run(fn: () => void | Promise<void>): void {
    try {
      const r = fn();
      if (r instanceof Promise) {
        r.catch(() => undefined).finally(() => this.#done());
        return;
      }
    } catch {
      // Work scheduled here reports its own failures (delivery log); a throw must not kill the process.
    }
    this.#done();
  }

  #done(): void {
    this.#busy--;
    // Re-check on the next turn: the finishing task may have just scheduled its follow-up.
    if (this.#busy === 0) setImmediate(() => this.#notify());
  }

  #notify(): void {
    if (this.#busy !== 0) return;
    for (const w of this.#waiters) w();
    this.#waiters.clear();
  }

  whenIdle(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#waiters.delete(done);
        reject(new Error(`simulator still busy after ${timeoutMs} ms (${this.#busy} pending)`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(t);
        resolve();
      };
      this.#waiters.add(done);
      setImmediate(() => this.#notify());
    });
  }

  cancelAll(): void {
    for (const [timer, release] of this.#timers) {
      clearTimeout(timer);
      release();
    }
    this.#timers.clear();
    this.#abort.abort();
    this.#abort = new AbortController();
  }

  close(): void {
    this.cancelAll();
    this.#closed = true;
  }
}
