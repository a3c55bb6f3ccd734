/**
 * One disposal primitive: everything a connection or room sets up (listeners, timers, observers, child
 * scopes) is registered here and freed by one {@link Scope.destroy}, in reverse order. Destroying twice is
 * a no-op, and anything registered after destruction is freed at once, so a late callback racing a close
 * cannot leak a timer or listener.
 */
export class Scope {
  private disposers: (() => void)[] = [];
  private destroyed = false;

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Registers a disposer; returns a function that runs it early (and unregisters it). */
  add(dispose: () => void): () => void {
    if (this.destroyed) {
      safely(dispose);
      return () => {};
    }
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      this.disposers = this.disposers.filter((d) => d !== once);
      safely(dispose);
    };
    this.disposers.push(once);
    return once;
  }

  /** `target.on(event, fn)` until destroyed. */
  on<L>(target: Emitter<L>, event: string, listener: L): void {
    target.on(event, listener);
    this.add(() => target.off(event, listener));
  }

  /** A repeating timer (unref'd: it never keeps the process alive). */
  interval(fn: () => void, ms: number): void {
    const timer = setInterval(fn, ms);
    timer.unref?.();
    this.add(() => clearInterval(timer));
  }

  /** A one-shot timer; the returned function cancels it. */
  timeout(fn: () => void, ms: number): () => void {
    let cancel = () => {};
    const timer = setTimeout(() => {
      cancel();
      fn();
    }, ms);
    timer.unref?.();
    cancel = this.add(() => clearTimeout(timer));
    return cancel;
  }

  /** A child scope destroyed with this one (and removable on its own). */
  child(): Scope {
    const child = new Scope();
    const remove = this.add(() => child.destroy());
    child.add(remove);
    return child;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const disposers = this.disposers.reverse();
    this.disposers = [];
    for (const dispose of disposers) safely(dispose);
  }
}

interface Emitter<L> {
  on(event: string, listener: L): unknown;
  off(event: string, listener: L): unknown;
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A disposer failing must not keep the others from running.
  }
}
