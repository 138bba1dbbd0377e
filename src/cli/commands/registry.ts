import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { clientFor, collect, int, showList, showOne, wantsJson } from '../common.js';
import { printJson } from '../output.js';

type Item = Record<string, unknown>;
type List = { items: Item[]; next?: unknown };

const namespaceHelp =
  'a purl namespace the key may sign, e.g. pkg:npm/@acme, pkg:maven/com.acme, pkg:pypi/acme-sdk (repeatable; default pkg:*/<slug>; beyond that default only the secretariat may grant)';

function keyBody(name: string, pem: string, namespaces: string[]): Record<string, unknown> {
  return namespaces.length > 0 ? { name, public_key: pem, purl_namespaces: namespaces } : { name, public_key: pem };
}

/** Client commands for the registry: organisations, users, tokens, invitations, pledges, applications, votes. */
export function registerRegistryCommands(program: Command): void {
  program
    .command('me')
    .description('Show who your token belongs to')
    .action(async (_o, cmd: Command) => {
      const me = await clientFor(cmd).request<{ user: Item; org: Item }>('GET', 'me');
      if (wantsJson(cmd)) printJson(me);
      else showOne(cmd, { user: me.user.email, name: me.user.name, role: me.user.role, org: me.org.slug, org_name: me.org.name });
    });

  // signatories and progress (public)
  const sig = program.command('signatories').description('The public signatory directory');
  sig
    .command('list')
    .description('List member signatories with their pledges')
    .option('--after <slug>', 'continue after this slug')
    .option('--limit <n>', 'page size', int('--limit'), 100)
    .action(async (o: { after?: string; limit: number }, cmd: Command) => {
      const r = await clientFor(cmd).request<{ items: { org: Item; pledges: Item[] }[]; next: unknown }>('GET', 'signatories', undefined, o);
      showList(cmd, { items: r.items.map((s) => (wantsJson(cmd) ? s : { ...s.org, pledges: s.pledges.map((p) => p.slug) })) as Item[], next: r.next }, [
        'slug', 'name', 'country', 'sector', 'size_band', 'joined_at', 'cvd_policy_url', 'pledges',
      ]);
    });
  sig
    .command('show <slug>')
    .description("A signatory's public profile, pledges and release keys")
    .action(async (slug: string, _o, cmd: Command) => showOne(cmd, await clientFor(cmd).request('GET', `signatories/${encodeURIComponent(slug)}`)));

  program
    .command('progress')
    .description('The yearly progress summary (members, CVD policies, pledges)')
    .option('--year <year>', 'year (default: this year)', int('--year'))
    .option('--csv', 'print CSV instead')
    .action(async (o: { year?: number; csv?: boolean }, cmd: Command) => {
      const c = clientFor(cmd);
      if (o.csv) process.stdout.write(await c.request<string>('GET', 'progress.csv', undefined, { year: o.year }));
      else showOne(cmd, await c.request('GET', 'progress', undefined, { year: o.year }));
    });

  // organisations
  const orgs = program.command('orgs').description('Organisations (signatories and the secretariat)');
  orgs
    .command('list')
    .description('Every organisation, any status (secretariat)')
    .option('--status <status>', 'filter by status (repeatable)', collect)
    .option('--after <slug>', 'continue after this slug')
    .option('--limit <n>', 'page size', int('--limit'), 100)
    .action(async (o: { status?: string[]; after?: string; limit: number }, cmd: Command) => {
      showList(cmd, await clientFor(cmd).request<List>('GET', 'orgs', undefined, o), ['slug', 'name', 'kind', 'status', 'country', 'joined_at']);
    });
  orgs
    .command('show <slug>')
    .description('An organisation (its own users and the secretariat)')
    .action(async (slug: string, _o, cmd: Command) => showOne(cmd, await clientFor(cmd).request('GET', `orgs/${encodeURIComponent(slug)}`)));
  const profileOptions = (c: Command) =>
    c
      .option('--country <cc>', 'ISO 3166-1 alpha-2 code')
      .option('--sector <sector>')
      .option('--size-band <band>', '1-49, 50-249, 250-999, 1000-9999 or 10000+')
      .option('--website <url>')
      .option('--psirt-contact <email-or-url>')
      .option('--cvd-policy-url <url>')
      .option('--security-txt-url <url>')
      .option('--description <text>');
  const profileBody = (o: Record<string, string | undefined>) => {
    const body: Record<string, string> = {};
    const map: Record<string, string> = {
      name: 'name', country: 'country', sector: 'sector', sizeBand: 'size_band', website: 'website', psirtContact: 'psirt_contact',
      cvdPolicyUrl: 'cvd_policy_url', securityTxtUrl: 'security_txt_url', description: 'description', slug: 'slug', status: 'status',
    };
    for (const [k, f] of Object.entries(map)) if (o[k] !== undefined) body[f] = o[k]!;
    return body;
  };
  profileOptions(
    orgs
      .command('create <slug>')
      .description('Create an organisation directly (secretariat)')
      .requiredOption('--name <name>')
      .option('--status <status>', 'applicant, member, suspended or withdrawn', 'member'),
  ).action(async (slug: string, o: Record<string, string>, cmd: Command) => {
    showOne(cmd, await clientFor(cmd).request('POST', 'orgs', profileBody({ ...o, slug })));
  });
  profileOptions(orgs.command('update <slug>').description("Update an organisation's profile").option('--name <name>')).action(
    async (slug: string, o: Record<string, string>, cmd: Command) => {
      showOne(cmd, await clientFor(cmd).request('PATCH', `orgs/${encodeURIComponent(slug)}`, profileBody(o)));
    },
  );
  orgs
    .command('status <slug> <status>')
    .description('Change membership status with a recorded reason (secretariat)')
    .requiredOption('--reason <text>')
    .action(async (slug: string, status: string, o: { reason: string }, cmd: Command) => {
      showOne(cmd, await clientFor(cmd).request('POST', `orgs/${encodeURIComponent(slug)}/status`, { status, reason: o.reason }));
    });
  orgs
    .command('endorse <slug> <pledge>')
    .description('Record that the organisation endorses a pledge')
    .action(async (slug: string, pledge: string, _o, cmd: Command) => {
      await clientFor(cmd).request('PUT', `orgs/${encodeURIComponent(slug)}/pledges/${encodeURIComponent(pledge)}`);
      if (!wantsJson(cmd)) process.stdout.write(`${slug} endorses ${pledge}\n`);
      else printJson({ ok: true });
    });
  orgs
    .command('withdraw <slug> <pledge>')
    .description('Withdraw an endorsement')
    .option('--reason <text>')
    .action(async (slug: string, pledge: string, o: { reason?: string }, cmd: Command) => {
      await clientFor(cmd).request('DELETE', `orgs/${encodeURIComponent(slug)}/pledges/${encodeURIComponent(pledge)}`, undefined, { reason: o.reason });
      if (!wantsJson(cmd)) process.stdout.write(`${slug} withdrew ${pledge}\n`);
      else printJson({ ok: true });
    });

  const keys = program.command('keys').description("Organisations' release-signing public keys");
  keys
    .command('list <org>')
    .description('List keys (public)')
    .action(async (org: string, _o, cmd: Command) => {
      showList(cmd, await clientFor(cmd).request<List>('GET', `orgs/${encodeURIComponent(org)}/keys`), ['id', 'name', 'algorithm', 'key_id', 'created_at', 'revoked_at']);
    });
  keys
    .command('add <org> <pem-file>')
    .description('Register a PEM public key (Ed25519 or ECDSA P-256)')
    .requiredOption('--name <name>', 'a label for the key')
    .option('--purl-namespace <pattern>', namespaceHelp, collect, [])
    .action(async (org: string, file: string, o: { name: string; purlNamespace: string[] }, cmd: Command) => {
      const pem = readFileSync(file, 'utf8');
      showOne(cmd, await clientFor(cmd).request('POST', `orgs/${encodeURIComponent(org)}/keys`, keyBody(o.name, pem, o.purlNamespace)));
    });
  keys
    .command('revoke <org> <id>')
    .description('Revoke a key')
    .option('--reason <text>')
    .action(async (org: string, id: string, o: { reason?: string }, cmd: Command) => {
      showOne(cmd, await clientFor(cmd).request('DELETE', `orgs/${encodeURIComponent(org)}/keys/${encodeURIComponent(id)}`, undefined, { reason: o.reason }));
    });

  // `accord org add-release-key`: the name the release workflow uses (docs/releases.md); same as `keys add`.
  program
    .command('org')
    .description('Shortcuts for your organisation')
    .command('add-release-key <slug> <pub-file>')
    .description('Register a release-signing public key (PREFIX.pub from `accord release keygen`) for an organisation')
    .option('--name <name>', 'a label for the key', 'release key')
    .option('--purl-namespace <pattern>', namespaceHelp, collect, [])
    .action(async (slug: string, file: string, o: { name: string; purlNamespace: string[] }, cmd: Command) => {
      const pem = readFileSync(file, 'utf8');
      showOne(cmd, await clientFor(cmd).request('POST', `orgs/${encodeURIComponent(slug)}/keys`, keyBody(o.name, pem, o.purlNamespace)));
    });

  // users, invitations, tokens
  const users = program.command('users').description('Users of an organisation');
  users
    .command('list <org>')
    .description("List an organisation's users")
    .action(async (org: string, _o, cmd: Command) => {
      showList(cmd, await clientFor(cmd).request<List>('GET', `orgs/${encodeURIComponent(org)}/users`), ['id', 'email', 'name', 'role', 'created_at', 'disabled_at']);
    });
  users
    .command('update <id>')
    .description("Change a user's role or name, or disable/enable them")
    .option('--role <role>', 'admin, org-admin, analyst, psirt or viewer')
    .option('--name <name>')
    .option('--disable', 'disable the user (their tokens stop working)')
    .option('--enable', 'enable a disabled user')
    .action(async (id: string, o: { role?: string; name?: string; disable?: boolean; enable?: boolean }, cmd: Command) => {
      const body: Record<string, unknown> = {};
      if (o.role) body.role = o.role;
      if (o.name) body.name = o.name;
      if (o.disable) body.disabled = true;
      if (o.enable) body.disabled = false;
      showOne(cmd, await clientFor(cmd).request('PATCH', `users/${encodeURIComponent(id)}`, body));
    });

  const inv = program.command('invitations').description('Invite people into an organisation');
  inv
    .command('create <org> <email>')
    .description('Invite someone; prints the invitation secret once')
    .option('--role <role>', 'org-admin, analyst, psirt, viewer (admin only in the secretariat)', 'viewer')
    .option('--days <n>', 'days until it expires (1–30)', int('--days'))
    .action(async (org: string, email: string, o: { role: string; days?: number }, cmd: Command) => {
      const body: Record<string, unknown> = { email, role: o.role };
      if (o.days !== undefined) body.expires_in_days = o.days;
      showOne(cmd, await clientFor(cmd).request('POST', `orgs/${encodeURIComponent(org)}/invitations`, body));
    });
  inv
    .command('list <org>')
    .description("An organisation's invitations")
    .action(async (org: string, _o, cmd: Command) => {
      showList(cmd, await clientFor(cmd).request<List>('GET', `orgs/${encodeURIComponent(org)}/invitations`), [
        'id', 'email', 'role', 'created_at', 'expires_at', 'accepted_at', 'revoked_at',
      ]);
    });
  inv
    .command('revoke <id>')
    .description('Revoke an invitation')
    .action(async (id: string, _o, cmd: Command) => showOne(cmd, await clientFor(cmd).request('DELETE', `invitations/${encodeURIComponent(id)}`)));
  inv
    .command('accept <secret>')
    .description('Accept an invitation (no token needed); prints your first API token once')
    .requiredOption('--name <name>', 'your name')
    .action(async (secret: string, o: { name: string }, cmd: Command) => {
      showOne(cmd, await clientFor(cmd).request('POST', 'invitations/accept', { token: secret, name: o.name }));
    });

  const tokens = program.command('tokens').description('Your API tokens');
  tokens
    .command('list')
    .description('List your tokens (never their secrets)')
    .action(async (_o, cmd: Command) => {
      showList(cmd, await clientFor(cmd).request<List>('GET', 'tokens'), ['id', 'name', 'prefix', 'created_at', 'expires_at', 'last_used_at', 'revoked_at']);
    });
  tokens
    .command('create <name>')
    .description('Create a token; prints the secret once')
    .option('--days <n>', 'days until it expires (1–366)', int('--days'))
    .action(async (name: string, o: { days?: number }, cmd: Command) => {
      const body: Record<string, unknown> = { name };
      if (o.days !== undefined) body.expires_in_days = o.days;
      showOne(cmd, await clientFor(cmd).request('POST', 'tokens', body));
    });
  tokens
    .command('revoke <id>')
    .description('Revoke a token')
    .action(async (id: string, _o, cmd: Command) => showOne(cmd, await clientFor(cmd).request('DELETE', `tokens/${encodeURIComponent(id)}`)));

  // pledges, voting rule, audit
  const pledges = program.command('pledges').description('The pledges signatories endorse');
  pledges
    .command('list')
    .description('List pledges')
    .action(async (_o, cmd: Command) => showList(cmd, await clientFor(cmd).request<List>('GET', 'pledges'), ['slug', 'title', 'kind', 'created_at']));
  pledges
    .command('create <slug>')
    .description('Define a pledge (secretariat)')
    .requiredOption('--title <title>')
    .requiredOption('--description <text>')
    .action(async (slug: string, o: { title: string; description: string }, cmd: Command) => {
      showOne(cmd, await clientFor(cmd).request('POST', 'pledges', { slug, ...o }));
    });

  const rule = program.command('voting-rule').description('How members decide on applications');
  rule.command('show').description('Show the rule').action(async (_o, cmd: Command) => showOne(cmd, await clientFor(cmd).request('GET', 'voting-rule')));
  rule
    .command('set')
    .description('Change the rule (secretariat)')
    .requiredOption('--sponsors <n>', 'member sponsors needed before a vote', int('--sponsors'))
    .requiredOption('--quorum <fraction>', 'fraction of members that must vote, e.g. 0.5', Number)
    .requiredOption('--majority <fraction>', 'yes share of yes+no needed (more than this; 1 = unanimous)', Number)
    .requiredOption('--days <n>', 'voting window in days', int('--days'))
    .option('--reason <text>')
    .action(async (o: { sponsors: number; quorum: number; majority: number; days: number; reason?: string }, cmd: Command) => {
      const body: Record<string, unknown> = { sponsors_needed: o.sponsors, quorum: o.quorum, majority: o.majority, voting_days: o.days };
      if (o.reason) body.reason = o.reason;
      showOne(cmd, await clientFor(cmd).request('PUT', 'voting-rule', body));
    });

  program
    .command('audit')
    .description('The audit trail, newest first (secretariat)')
    .option('--type <type>', 'event type, e.g. application.admitted')
    .option('--subject <id>', 'subject id')
    .option('--org <slug>', 'events by users of this organisation')
    .option('--before <id>', 'continue before this event id', int('--before'))
    .option('--limit <n>', 'page size', int('--limit'), 100)
    .action(async (o: { type?: string; subject?: string; org?: string; before?: number; limit: number }, cmd: Command) => {
      const r = await clientFor(cmd).request<List>('GET', 'audit', undefined, {
        type: o.type, subject_id: o.subject, org: o.org, before: o.before, limit: o.limit,
      });
      showList(cmd, r, ['id', 'at', 'type', 'subject_type', 'subject_id', 'actor_user_id', 'reason']);
    });
}
