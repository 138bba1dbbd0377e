import { InvalidArgumentError, type Command } from 'commander';
import { readEnv } from '../config/env.js';
import { ApiClient } from './client.js';
import { printJson, printRecord, printTable } from './output.js';

export interface GlobalOpts {
  server?: string;
  token?: string;
  json?: boolean;
}

/** The API client for a command, from --server/--token or ACCORD_SERVER/ACCORD_TOKEN. */
export function clientFor(cmd: Command): ApiClient {
  const o = cmd.optsWithGlobals<GlobalOpts>();
  const env = readEnv();
  return new ApiClient(o.server ?? env.ACCORD_SERVER, o.token ?? env.ACCORD_TOKEN);
}

export function wantsJson(cmd: Command): boolean {
  return cmd.optsWithGlobals<GlobalOpts>().json === true;
}

/** Prints a list as JSON (`--json`) or as a table of `columns`. */
export function showList(cmd: Command, value: { items: Record<string, unknown>[]; next?: unknown }, columns: string[]): void {
  if (wantsJson(cmd)) printJson(value);
  else {
    printTable(value.items, columns);
    if (value.next !== undefined && value.next !== null) process.stdout.write(`(more: --after/--cursor ${String(value.next)})\n`);
  }
}

/** Prints one object as JSON (`--json`) or as `key value` lines. */
export function showOne(cmd: Command, value: unknown): void {
  if (wantsJson(cmd) || typeof value !== 'object' || value === null) printJson(value);
  else printRecord(value as Record<string, unknown>);
}

/** Parses a whole number option (a bad value is a usage error, exit 2, like any other). */
export function int(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return n;
  };
}

/** Collects a repeatable option into an array. */
export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}
