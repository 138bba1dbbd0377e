/** The environment variables Accord reads, read in this one place. */
export interface Env {
  ACCORD_DATA?: string;
  ACCORD_DATABASE_URL?: string;
  ACCORD_LISTEN?: string;
  ACCORD_ADMIN_TOKEN?: string;
  ACCORD_LOG_LEVEL?: string;
  ACCORD_SERVER?: string;
  ACCORD_TOKEN?: string;
  ACCORD_TRUST_PROXY?: string;
  ACCORD_PUBLIC_FORM_LIMIT?: string;
  ACCORD_AUTH_FAILURE_LIMIT?: string;
  ACCORD_EMBARGO_MAX_DAYS?: string;
  ACCORD_PUBLIC_URL?: string;
  ACCORD_SMTP_URL?: string;
  ACCORD_SMTP_FROM?: string;
  ACCORD_WEBHOOK_ALLOW_PRIVATE?: string;
  ACCORD_INTEL_WORKER?: string;
}

const KEYS: (keyof Env)[] = [
  'ACCORD_DATA',
  'ACCORD_DATABASE_URL',
  'ACCORD_LISTEN',
  'ACCORD_ADMIN_TOKEN',
  'ACCORD_LOG_LEVEL',
  'ACCORD_SERVER',
  'ACCORD_TOKEN',
  'ACCORD_TRUST_PROXY',
  'ACCORD_PUBLIC_FORM_LIMIT',
  'ACCORD_AUTH_FAILURE_LIMIT',
  'ACCORD_EMBARGO_MAX_DAYS',
  'ACCORD_PUBLIC_URL',
  'ACCORD_SMTP_URL',
  'ACCORD_SMTP_FROM',
  'ACCORD_WEBHOOK_ALLOW_PRIVATE',
  'ACCORD_INTEL_WORKER',
];

/** Picks Accord's variables out of `source` (process.env by default); empty strings count as unset. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const env: Env = {};
  for (const k of KEYS) {
    const v = source[k];
    if (v !== undefined && v !== '') env[k] = v;
  }
  return env;
}
