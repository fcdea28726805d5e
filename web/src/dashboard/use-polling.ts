/**
 * Loads something now and again every `intervalMs` while the tab is visible.
 * One request at a time: the next waits for the last to end, so a slow
 * server is never asked twice at once.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { messageOf } from './api.ts';

export interface Polled<T> {
  data: T | undefined;
  error: string | null;
  /** Loads again now, for after an action that changed the data. */
  reload(): void;
}

export function usePolling<T>(
  load: () => Promise<T>,
  intervalMs: number,
): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  useLayoutEffect(() => {
    loadRef.current = load;
  });
  const kick = useRef<() => void>(() => {});

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    const tick = async (): Promise<void> => {
      clearTimeout(timer);
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const value = await loadRef.current();
        if (!stopped) {
          setData(value);
          setError(null);
        }
      } catch (err) {
        if (!stopped) setError(messageOf(err));
      } finally {
        running = false;
      }
      if (again) {
        again = false;
        return tick();
      }
      if (!stopped && !document.hidden)
        timer = setTimeout(() => void tick(), intervalMs);
    };
    const onVisible = () => {
      if (!document.hidden) void tick();
    };
    kick.current = () => void tick();
    document.addEventListener('visibilitychange', onVisible);
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [intervalMs]);

  const reload = useCallback(() => kick.current(), []);
  return { data, error, reload };
}
