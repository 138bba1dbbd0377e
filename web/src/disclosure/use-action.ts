import { useCallback, useState } from 'react';
import type { Problem } from '../../../src/http/api-types.js';
import { toProblem } from '../api.js';

/** One button's (or form's) call: busy while it runs, the API's problem if it fails, a note when it worked. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = useCallback(async <T>(fn: () => Promise<T>, success?: string): Promise<T | undefined> => {
    setBusy(true);
    setProblem(null);
    setDone(null);
    try {
      const r = await fn();
      if (success) setDone(success);
      return r;
    } catch (err) {
      setProblem(toProblem(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => {
    setProblem(null);
    setDone(null);
  }, []);
  return { busy, problem, done, run, clear };
}
