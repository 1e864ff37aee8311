// What the console shows of something that changes on its own (who is live, the queue): loaded
// at once, then again every few seconds while the page is open. A failure keeps the last value
// on screen beside the failure's words; an answer to an older request than the latest is dropped.
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError, errorCode } from '../api/error-words';

export interface Polled<T> {
  value?: T;
  failure?: { words: string; code?: string };
  reload: () => void;
}

export function usePolled<T>(load: () => Promise<T>, deps: unknown[], everyMs: number): Polled<T> {
  const [value, setValue] = useState<T>();
  const [failure, setFailure] = useState<Polled<T>['failure']>();
  const latest = useRef(0);
  const reload = () => {
    const request = ++latest.current;
    load().then(
      (v) => request === latest.current && (setValue(v), setFailure(undefined)),
      (err: unknown) => request === latest.current && setFailure({ words: describeError(err), code: errorCode(err) }),
    );
  };
  useEffect(() => {
    reload();
    const timer = setInterval(reload, everyMs);
    return () => {
      clearInterval(timer);
      latest.current++;
    };
  }, deps);
  return { value, failure, reload };
}
