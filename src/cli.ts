#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { AccordError, type FieldProblem } from './errors.js';
import { registerServerCommands } from './cli/commands/server.js';
import { registerRegistryCommands } from './cli/commands/registry.js';
import { registerApplicationCommands } from './cli/commands/applications.js';
import { registerLogCommands } from './cli/commands/log.js';
import { registerWitnessCommands } from './cli/commands/witness.js';
import { registerReleaseCommands } from './cli/commands/release.js';
import { registerIntelCommands } from './cli/commands/intel.js';
import { registerCaseCommands } from './cli/commands/cases.js';
import { registerAdvisoryCommands } from './cli/commands/advisory.js';
import { registerCheckCommands } from './cli/commands/check.js';
import { registerMatchCommands } from './cli/commands/match.js';

/** Builds the `accord` command tree (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('accord')
    .description('Accord: the working platform of a cybersecurity accord (registry, intel, disclosure, advisories, ledger, releases).')
    .option('--server <url>', 'Accord server for client commands (or ACCORD_SERVER)')
    .option('--token <token>', 'API token for client commands (or ACCORD_TOKEN)')
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError()
    .exitOverride();
  registerServerCommands(program);
  registerRegistryCommands(program);
  registerApplicationCommands(program);
  registerLogCommands(program);
  registerWitnessCommands(program);
  registerReleaseCommands(program);
  registerIntelCommands(program);
  registerCaseCommands(program);
  registerCheckCommands(program, registerAdvisoryCommands(program));
  registerMatchCommands(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const message = err instanceof AccordError ? err.message : err instanceof Error ? err.message : String(err);
    // A validation error's field problems are the useful part ("The request is not valid." alone is not).
    const problems = err instanceof AccordError && Array.isArray(err.details?.errors) ? (err.details.errors as FieldProblem[]) : [];
    process.stderr.write(`accord: ${message}${problems.map((p) => `\n  ${p.path || '(input)'}: ${p.message}`).join('')}\n`);
    if (!(err instanceof AccordError) && process.env.ACCORD_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}

const code = await main(process.argv);
if (code !== 0) process.exitCode = code;
