import { useCallback, useState } from 'react';

const STORAGE_KEY = 'accord.log_vkey';

function stored(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * The log verifier key the user trusts: from `?vkey=` (a link someone shared),
 * else what they used last in this browser. Never from the server — a log
 * cannot vouch for its own key.
 */
export function useVerifierKey(): [string, (value: string) => void, (value: string) => void] {
  const [value, setValue] = useState(() => new URLSearchParams(window.location.search).get('vkey')?.trim() || stored());
  /** Keeps the key for next time; called once a verification with it ran. */
  const remember = useCallback((v: string) => {
    try {
      if (v.trim()) localStorage.setItem(STORAGE_KEY, v.trim());
    } catch {
      // storage disabled: the key just is not remembered
    }
  }, []);
  return [value, setValue, remember];
}

/** The vkey the user last verified with in this browser, if any (read once). */
export function rememberedVerifierKey(): string {
  return stored();
}
