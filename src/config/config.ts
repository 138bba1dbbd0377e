import { resolve } from 'node:path';
import { AccordError } from '../errors.js';
import type { Env } from './env.js';

export type ConfigErrorCode = 'CONFIG_INVALID';
export class ConfigError extends AccordError<ConfigErrorCode> {}

/** The server's configuration, complete and checked. */
export interface Config {
  dataDir: string;
  /** PostgreSQL URL; absent means the embedded SQLite database in `dataDir`. */
  databaseUrl: string | null;
  listen: { host: string; port: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean;
  /** Outbound e-mail (`ACCORD_SMTP_URL`, `ACCORD_SMTP_FROM`); null leaves e-mail queued in the outbox. */
  smtp: { url: string; from: string } | null;
  /** Let webhooks reach private, loopback and link-local addresses (closed deployments, tests). */
  webhookAllowPrivate: boolean;
  /** Validate and prepare posted STIX objects on a worker thread (`ACCORD_INTEL_WORKER=false`: on the main thread, e.g. on one core). */
  intelWorker: boolean;
  /** The server's public base URL (no trailing slash): CSAF provider URLs and advisory links. */
  publicUrl: string;
  limits: {
    /** Largest request body accepted on /api, bytes. */
    bodyBytes: number;
    /** Public form submissions (applications, invitation acceptance) per IP per hour. */
    publicFormsPerHour: number;
    /** Failed authentications per IP per 15 minutes before further attempts get 429. */
    authFailuresPer15Min: number;
    /** Longest coordinated-disclosure embargo, days. */
    maxEmbargoDays: number;
  };
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Parses `HOST:PORT` (IPv6 in brackets). */
export function parseListen(v: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new ConfigError('CONFIG_INVALID', `--listen must be HOST:PORT, got ${JSON.stringify(v)}`);
  return { host: (m[1] ?? m[2])!, port };
}

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError('CONFIG_INVALID', `${name} must be a positive whole number`);
  return n;
}

/** Builds the configuration from the environment and command-line overrides; fails fast on anything wrong. */
export function loadConfig(env: Env, overrides: { dataDir?: string; listen?: string } = {}): Config {
  const dataDir = overrides.dataDir ?? env.ACCORD_DATA;
  if (!dataDir) throw new ConfigError('CONFIG_INVALID', 'A data directory is needed: --data DIR or ACCORD_DATA.');
  const databaseUrl = env.ACCORD_DATABASE_URL ?? null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('CONFIG_INVALID', 'ACCORD_DATABASE_URL must be a postgres:// URL.');
  }
  const level = (env.ACCORD_LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LEVELS.includes(level)) throw new ConfigError('CONFIG_INVALID', `ACCORD_LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  return {
    dataDir: resolve(dataDir),
    databaseUrl,
    listen: parseListen(overrides.listen ?? env.ACCORD_LISTEN ?? '127.0.0.1:8080'),
    logLevel: level,
    trustProxy: env.ACCORD_TRUST_PROXY === 'true',
    smtp: smtpConfig(env.ACCORD_SMTP_URL, env.ACCORD_SMTP_FROM),
    webhookAllowPrivate: env.ACCORD_WEBHOOK_ALLOW_PRIVATE === 'true',
    intelWorker: flag('ACCORD_INTEL_WORKER', env.ACCORD_INTEL_WORKER, true),
    publicUrl: publicUrl(env.ACCORD_PUBLIC_URL, parseListen(overrides.listen ?? env.ACCORD_LISTEN ?? '127.0.0.1:8080')),
    limits: {
      bodyBytes: 1024 * 1024,
      publicFormsPerHour: positiveInt('ACCORD_PUBLIC_FORM_LIMIT', env.ACCORD_PUBLIC_FORM_LIMIT, 20),
      authFailuresPer15Min: positiveInt('ACCORD_AUTH_FAILURE_LIMIT', env.ACCORD_AUTH_FAILURE_LIMIT, 30),
      maxEmbargoDays: positiveInt('ACCORD_EMBARGO_MAX_DAYS', env.ACCORD_EMBARGO_MAX_DAYS, 90),
    },
  };
}

/** A `true`/`false` variable; anything else is a configuration error. */
function flag(name: string, v: string | undefined, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ConfigError('CONFIG_INVALID', `${name} must be true or false.`);
}

/** ACCORD_PUBLIC_URL (http or https, no query or fragment), or the listen address over http. */
function publicUrl(v: string | undefined, listen: { host: string; port: number }): string {
  if (v === undefined) return `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError('CONFIG_INVALID', 'ACCORD_PUBLIC_URL must be an http(s) URL.');
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.search !== '' || u.hash !== '' || u.username !== '') {
    throw new ConfigError('CONFIG_INVALID', 'ACCORD_PUBLIC_URL must be an http(s) URL without credentials, query or fragment.');
  }
  return u.toString().replace(/\/+$/, '');
}

function smtpConfig(url: string | undefined, from: string | undefined): Config['smtp'] {
  if (url === undefined || url === '') return null;
  if (!/^smtps?:\/\//.test(url)) throw new ConfigError('CONFIG_INVALID', 'ACCORD_SMTP_URL must be an smtp:// or smtps:// URL.');
  if (!from) throw new ConfigError('CONFIG_INVALID', 'ACCORD_SMTP_FROM is needed with ACCORD_SMTP_URL (the sender address).');
  return { url, from };
}
