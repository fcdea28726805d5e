/** A small synchronous typed event emitter: listeners run in order, at once. */
export class Emitter<Events extends object> {
  private readonly listeners: {
    [K in keyof Events]?: ((value: Events[K]) => void)[];
  } = {};

  on<K extends keyof Events>(
    event: K,
    listener: (value: Events[K]) => void,
  ): () => void {
    const list = (this.listeners[event] ??= []);
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Resolves with the first value for which `match` is true, or rejects after `timeoutMs`. */
  waitFor<K extends keyof Events>(
    event: K,
    match: (value: Events[K]) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${String(event)}`,
          ),
        );
      }, timeoutMs);
      const off = this.on(event, (value) => {
        if (!match(value)) return;
        clearTimeout(timer);
        off();
        resolve(value);
      });
    });
  }

  protected emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const list = this.listeners[event];
    if (!list) return;
    for (const listener of [...list]) listener(value);
  }
}
