/**
 * parquet-wasm reports some corrupt pages by panicking inside an async read: the panic is a
 * WebAssembly trap thrown from a promise callback, so the read it belongs to never settles
 * and the load would hang forever. The platform's global handler hands such traps to a
 * PanicWatch, which fails every read waiting on it instead.
 */
export class PanicWatch {
  #waiting = new Set<(error: Error) => void>();

  /** Whether an uncaught value is a WebAssembly trap (a Rust panic compiled to `unreachable`). */
  static isPanic(error: unknown): boolean {
    return (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) || /^RuntimeError: (unreachable|memory access out of bounds)/.test(String(error));
  }

  /** Report an uncaught error; true when it was a panic and the waiting reads were failed. */
  report(error: unknown): boolean {
    if (!PanicWatch.isPanic(error)) return false;
    const wrapped = error instanceof Error ? error : new Error(String(error));
    for (const fail of [...this.#waiting]) fail(wrapped);
    return true;
  }

  /** `promise`, or a rejection as soon as a panic is reported while it is pending. */
  guard<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      this.#waiting.add(fail);
      promise.then(resolve, reject).finally(() => this.#waiting.delete(fail));
    });
  }
}
