import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { clientFor, collect, int, showList, showOne, wantsJson } from '../common.js';
import { printJson, printTable } from '../output.js';

type Item = Record<string, unknown>;

/** Membership applications and votes. */
export function registerApplicationCommands(program: Command): void {
  const apps = program.command('applications').description('Membership applications: submit, sponsor, vote, decide');
  apps
    .command('list')
    .description('Applications, newest first (secretariat and members)')
    .option('--status <status>', 'submitted, voting, admitted, rejected, withdrawn (repeatable)', collect)
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--limit <n>', 'page size', int('--limit'), 100)
    .action(async (o: { status?: string[]; cursor?: string; limit: number }, cmd: Command) => {
      const r = await clientFor(cmd).request<{ items: Item[]; next: unknown }>('GET', 'applications', undefined, o);
      showList(cmd, r, ['id', 'org_name', 'country', 'status', 'submitted_at', 'voting_closes_at']);
    });
  apps
    .command('show <id>')
    .description('An application with sponsors, votes and tally')
    .action(async (id: string, _o, cmd: Command) => {
      const r = await clientFor(cmd).request<{ application: Item; sponsors: Item[]; votes: Item[]; tally: Item | null }>(
        'GET',
        `applications/${encodeURIComponent(id)}`,
      );
      if (wantsJson(cmd)) return printJson(r);
      showOne(cmd, r.application);
      process.stdout.write('\nsponsors:\n');
      printTable(r.sponsors, ['org_id', 'created_at']);
      process.stdout.write('\nvotes:\n');
      printTable(r.votes, ['org_id', 'choice', 'reason', 'cast_at']);
      if (r.tally) {
        process.stdout.write('\ntally:\n');
        showOne(cmd, r.tally);
      }
    });
  apps
    .command('submit <file>')
    .description('Submit an application from a JSON file (public form; no token needed). Use - for stdin.')
    .addHelpText(
      'after',
      '\nThe JSON object has org_name, country, sector, size_band, website, contact_name, contact_email, motivation, pledges[],\nand optionally psirt_contact, cvd_policy_url, security_txt_url.',
    )
    .action(async (file: string, _o, cmd: Command) => {
      const text = readFileSync(file === '-' ? 0 : file, 'utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`${file} is not valid JSON`);
      }
      showOne(cmd, await clientFor(cmd).request('POST', 'applications', body));
    });
  apps
    .command('sponsor <id>')
    .description("Sponsor on your organisation's behalf (org-admin of a member)")
    .action(async (id: string, _o, cmd: Command) => showOne(cmd, await clientFor(cmd).request('POST', `applications/${encodeURIComponent(id)}/sponsor`)));
  apps
    .command('open-vote <id>')
    .description('Open the vote (secretariat)')
    .option('--reason <text>')
    .action(async (id: string, o: { reason?: string }, cmd: Command) =>
      showOne(cmd, await clientFor(cmd).request('POST', `applications/${encodeURIComponent(id)}/open-vote`, o.reason ? { reason: o.reason } : {})),
    );
  apps
    .command('vote <id> <choice>')
    .description("Cast your organisation's vote: yes, no or abstain (org-admin of a member)")
    .option('--reason <text>')
    .action(async (id: string, choice: string, o: { reason?: string }, cmd: Command) =>
      showOne(cmd, await clientFor(cmd).request('POST', `applications/${encodeURIComponent(id)}/votes`, { choice, ...(o.reason ? { reason: o.reason } : {}) })),
    );
  apps
    .command('reject <id>')
    .description('Reject with a reason (secretariat)')
    .requiredOption('--reason <text>')
    .action(async (id: string, o: { reason: string }, cmd: Command) =>
      showOne(cmd, await clientFor(cmd).request('POST', `applications/${encodeURIComponent(id)}/reject`, { reason: o.reason })),
    );
  apps
    .command('close <id>')
    .description('Close the vote and decide; on admission prints the first org-admin invitation secret once (secretariat)')
    .option('--reason <text>')
    .action(async (id: string, o: { reason?: string }, cmd: Command) => {
      const r = await clientFor(cmd).request<Item>('POST', `applications/${encodeURIComponent(id)}/close`, o.reason ? { reason: o.reason } : {});
      printJson(r);
    });
}
