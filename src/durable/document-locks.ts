// The order in which a DocumentWriter runs its commands: those on one document one at a time in arrival order,
// those on different documents of the context side by side, and an exclusive command (a delete-all, settling
// interrupted writes) after everything that arrived before it and before everything that arrives after it.
// Awaiting R2 and D1 lets other calls into a Durable Object, so this, not the runtime, is the serialisation.
export class DocumentLocks {
  #tails = new Map<string, Promise<void>>();
  #exclusive: Promise<void> = Promise.resolve();

  /** Runs `step` under the document `key`, or exclusively when `key` is undefined. */
  run<T>(key: string | undefined, step: () => Promise<T>): Promise<T> {
    const before =
      key === undefined
        ? Promise.all([this.#exclusive, ...this.#tails.values()])
        : Promise.all([this.#exclusive, this.#tails.get(key)]);
    const run = before.then(step);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    if (key === undefined) {
      this.#exclusive = tail;
    } else {
      this.#tails.set(key, tail);
      void tail.then(() => {
        if (this.#tails.get(key) === tail) this.#tails.delete(key);
      });
    }
    return run;
  }
}
