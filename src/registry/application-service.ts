import { randomUUID } from 'node:crypto';
import { isAdmin, isMemberOrg, requireAdmin, requireMemberOrgAdmin, requireUser } from './access.js';
import { addDays, iso } from './clock.js';
import type { RegistryDeps } from './deps.js';
import { RegistryError } from './errors.js';
import type { MemberService, InvitationInfo } from './member-service.js';
import { checkProfile, type OrgService } from './org-service.js';
import { Checker, normaliseEmail, slugify } from './validate.js';
import { tally, votingRuleProblems, type Tally } from './voting.js';
import { ValidationError } from '../errors.js';
import {
  DEFAULT_VOTING_RULE,
  type Application,
  type ApplicationInput,
  type ApplicationStatus,
  type Org,
  type Page,
  type Principal,
  type Sponsorship,
  type Vote,
  type VoteChoice,
  type VotingRule,
} from './types.js';

const VOTING_RULE_KEY = 'voting_rule';

/** An application with what members need to decide on it. */
export interface ApplicationView {
  application: Application;
  sponsors: Sponsorship[];
  votes: Vote[];
  tally: Tally | null;
}

/** The outcome of closing a vote; on admission, the first org-admin's invitation secret (shown once). */
export interface Decision {
  application: Application;
  tally: Tally;
  org: Org | null;
  invitation: { invitation: InvitationInfo; token: string } | null;
}

/**
 * Membership applications: public form → secretariat review → sponsorship
 * by members → vote by member organisations → admission or rejection.
 * Every decision is recorded with who, when and why.
 */
export class ApplicationService {
  constructor(
    private readonly deps: RegistryDeps,
    private readonly orgs: OrgService,
    private readonly members: MemberService,
  ) {}

  async votingRule(): Promise<VotingRule> {
    return { ...DEFAULT_VOTING_RULE, ...(await this.deps.store.getSetting<VotingRule>(VOTING_RULE_KEY)) };
  }

  async setVotingRule(actor: Principal, rule: VotingRule, reason: string | null): Promise<VotingRule> {
    requireAdmin(actor);
    const c = new Checker();
    c.text('/reason', reason, 2000);
    c.done();
    const problems = votingRuleProblems(rule);
    if (problems.length > 0) throw new ValidationError(problems);
    await this.deps.store.transaction(async (tx) => {
      await tx.putSetting(VOTING_RULE_KEY, rule);
      await this.deps.events.votingRuleChanged(tx, actor, { ...rule }, reason);
    });
    return rule;
  }

  /** The public form: anyone may apply, no account needed. */
  async submit(input: ApplicationInput, options: { demo?: boolean } = {}): Promise<Application> {
    const c = new Checker();
    checkProfile(c, { name: input.org_name, country: input.country, sector: input.sector, website: input.website });
    c.problems.forEach((p) => p.path === '/name' && (p.path = '/org_name'));
    c.contact('/psirt_contact', input.psirt_contact);
    c.url('/cvd_policy_url', input.cvd_policy_url);
    c.url('/security_txt_url', input.security_txt_url);
    c.text('/contact_name', input.contact_name, 200);
    c.email('/contact_email', input.contact_email);
    c.text('/motivation', input.motivation, 8000);
    const known = new Set((await this.deps.store.listPledges()).map((p) => p.slug));
    input.pledges.forEach((slug, i) => {
      if (!known.has(slug)) c.add(`/pledges/${i}`, `no pledge "${slug}"`);
    });
    if (new Set(input.pledges).size !== input.pledges.length) c.add('/pledges', 'must not repeat a pledge');
    c.done();
    const app: Application = {
      ...input,
      org_name: input.org_name.trim(),
      contact_email: normaliseEmail(input.contact_email),
      id: randomUUID(),
      status: 'submitted',
      submitted_at: iso(this.deps.clock.now()),
      voting_opened_at: null,
      voting_closes_at: null,
      decided_at: null,
      decided_by: null,
      decision_reason: null,
      org_id: null,
      demo: options.demo ?? false,
    };
    await this.deps.store.transaction(async (tx) => {
      await tx.insertApplication(app);
      await this.deps.events.applicationSubmitted(tx, app.id, app.org_name);
    });
    return app;
  }

  /** Applications are visible to the secretariat and to the users of member organisations (who decide on them). */
  private requireReader(actor: Principal): void {
    const u = requireUser(actor);
    if (!isAdmin(u) && !isMemberOrg(u.org)) throw new RegistryError('FORBIDDEN', 'Only the secretariat and member organisations see applications.');
  }

  /** Contact details are personal data: only the secretariat sees them. */
  private redact(actor: Principal, a: Application): Application {
    return isAdmin(actor) ? a : { ...a, contact_name: '(hidden)', contact_email: '(hidden)' };
  }

  async list(actor: Principal, q: { status?: ApplicationStatus[]; cursor?: string; limit: number }): Promise<Page<Application>> {
    this.requireReader(actor);
    const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const rows = await this.deps.store.listApplications({ status: q.status, before, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page.map((a) => this.redact(actor, a)), next: rows.length > q.limit && last ? encodeCursor(last) : null };
  }

  async get(actor: Principal, id: string): Promise<ApplicationView> {
    this.requireReader(actor);
    const app = await this.load(id);
    const [sponsors, votes] = await Promise.all([this.deps.store.listSponsorships(id), this.deps.store.listVotes(id)]);
    let t: Tally | null = null;
    if (app.status === 'admitted' || app.status === 'rejected') {
      // A decided vote keeps the tally it was decided on, whatever the membership has become since.
      const [decision] = await this.deps.store.listAudit({ type: `application.${app.status}`, subjectId: id, limit: 1 });
      const d = decision?.data as Partial<Tally> | undefined;
      if (d && typeof d.eligible === 'number') {
        t = { eligible: d.eligible, cast: d.cast ?? 0, yes: d.yes ?? 0, no: d.no ?? 0, abstain: d.abstain ?? 0, quorum_met: !!d.quorum_met, majority_met: !!d.majority_met, admitted: !!d.admitted };
      }
    } else if (app.status === 'voting') {
      t = tally(votes, await this.deps.store.countOrgs({ kind: 'signatory', status: ['member'] }), await this.votingRule());
    }
    // Before the vote closes, members see who voted but not how (no bandwagon); the secretariat sees everything.
    const shownVotes = app.status === 'voting' && !isAdmin(actor) ? votes.map((v) => ({ ...v, choice: 'abstain' as VoteChoice, reason: null, hidden: true })) : votes;
    return {
      application: this.redact(actor, app),
      sponsors,
      votes: shownVotes,
      tally: app.status === 'voting' && !isAdmin(actor) ? null : t,
    };
  }

  private async load(id: string): Promise<Application> {
    const app = await this.deps.store.getApplication(id);
    if (!app) throw new RegistryError('APPLICATION_NOT_FOUND', 'No such application.');
    return app;
  }

  /** A member organisation's org-admin sponsors a submitted application. */
  async sponsor(actor: Principal, id: string): Promise<Sponsorship> {
    const u = requireMemberOrgAdmin(actor);
    const app = await this.load(id);
    if (app.status !== 'submitted') throw new RegistryError('APPLICATION_STATE', `The application is ${app.status}; only submitted ones take sponsors.`);
    const s: Sponsorship = { application_id: id, org_id: u.org.id, user_id: u.user.id, created_at: iso(this.deps.clock.now()) };
    await this.deps.store.transaction(async (tx) => {
      await tx.insertSponsorship(s);
      await this.deps.events.applicationSponsored(tx, actor, id);
    });
    return s;
  }

  /** The secretariat opens the vote once enough members sponsor the application. */
  async openVote(actor: Principal, id: string, reason: string | null): Promise<Application> {
    requireAdmin(actor);
    const c = new Checker();
    c.text('/reason', reason, 2000);
    c.done();
    const rule = await this.votingRule();
    return this.deps.store.transaction(async (tx) => {
      const app = await tx.getApplication(id);
      if (!app) throw new RegistryError('APPLICATION_NOT_FOUND', 'No such application.');
      if (app.status !== 'submitted') throw new RegistryError('APPLICATION_STATE', `The application is ${app.status}, not submitted.`);
      const sponsors = await tx.listSponsorships(id);
      if (sponsors.length < rule.sponsors_needed) {
        throw new RegistryError('APPLICATION_STATE', `The vote needs ${rule.sponsors_needed} sponsor(s); it has ${sponsors.length}.`);
      }
      const now = this.deps.clock.now();
      const patch = { status: 'voting' as const, voting_opened_at: iso(now), voting_closes_at: iso(addDays(now, rule.voting_days)) };
      // Compare-and-swap on the status: of concurrent requests only one opens the vote.
      if (!(await tx.updateApplication(id, patch, 'submitted'))) {
        throw new RegistryError('APPLICATION_STATE', 'The application changed meanwhile; reload it.');
      }
      await this.deps.events.votingOpened(tx, actor, id, patch.voting_closes_at, reason);
      return { ...app, ...patch };
    });
  }

  /** A member organisation votes once, through one of its org-admins, while the vote is open. */
  async vote(actor: Principal, id: string, choice: VoteChoice, reason: string | null): Promise<Vote> {
    const u = requireMemberOrgAdmin(actor);
    const c = new Checker();
    c.text('/reason', reason, 2000);
    c.done();
    return this.deps.store.transaction(async (tx) => {
      const app = await tx.getApplication(id);
      if (!app) throw new RegistryError('APPLICATION_NOT_FOUND', 'No such application.');
      if (app.status !== 'voting') throw new RegistryError('VOTING_CLOSED', `The application is ${app.status}; no vote is open.`);
      // The same row lock as closing takes, so a vote is either counted or refused, never lost.
      if (!(await tx.updateApplication(id, { status: 'voting' }, 'voting'))) {
        throw new RegistryError('VOTING_CLOSED', 'The vote was closed meanwhile.');
      }
      const now = this.deps.clock.now();
      if (app.voting_closes_at !== null && Date.parse(app.voting_closes_at) <= now.getTime()) {
        throw new RegistryError('VOTING_CLOSED', 'The voting window has ended.');
      }
      const v: Vote = { application_id: id, org_id: u.org.id, user_id: u.user.id, choice, reason, cast_at: iso(now) };
      await tx.insertVote(v);
      await this.deps.events.voteCast(tx, actor, id, choice, reason);
      return v;
    });
  }

  /** The secretariat rejects an application before or during the vote, with a reason. */
  async reject(actor: Principal, id: string, reason: string): Promise<Application> {
    requireAdmin(actor);
    const c = new Checker();
    c.text('/reason', reason ?? '', 2000);
    c.done();
    // Read outside the transaction: on SQLite the one connection belongs to the transaction until it ends.
    const rule = await this.votingRule();
    return this.deps.store.transaction(async (tx) => {
      const app = await tx.getApplication(id);
      if (!app) throw new RegistryError('APPLICATION_NOT_FOUND', 'No such application.');
      if (app.status !== 'submitted' && app.status !== 'voting') throw new RegistryError('APPLICATION_STATE', `The application is already ${app.status}.`);
      const votes = await tx.listVotes(id);
      const t = tally(votes, await tx.countOrgs({ kind: 'signatory', status: ['member'] }), rule);
      const patch = { status: 'rejected' as const, decided_at: iso(this.deps.clock.now()), decided_by: actor.kind === 'user' ? actor.user.id : null, decision_reason: reason };
      if (!(await tx.updateApplication(id, patch, app.status))) {
        throw new RegistryError('APPLICATION_STATE', 'The application changed meanwhile; reload it.');
      }
      await this.deps.events.applicationDecided(tx, actor, id, 'rejected', { ...t, by: 'secretariat' }, reason);
      return { ...app, ...patch };
    });
  }

  /**
   * Closes a vote: after the window ends, or earlier once every member has voted.
   * Admission creates the organisation, records its pledges, and invites its first org-admin.
   */
  async close(actor: Principal, id: string, reason: string | null): Promise<Decision> {
    requireAdmin(actor);
    const c = new Checker();
    c.text('/reason', reason, 2000);
    c.done();
    const rule = await this.votingRule();
    return this.deps.store.transaction(async (tx) => {
      const app = await tx.getApplication(id);
      if (!app) throw new RegistryError('APPLICATION_NOT_FOUND', 'No such application.');
      if (app.status !== 'voting') throw new RegistryError('APPLICATION_STATE', `The application is ${app.status}; no vote to close.`);
      // Lock the application's row (a no-op compare-and-swap) before counting: concurrent
      // closes and late votes wait here, so exactly one close decides, on every vote cast.
      if (!(await tx.updateApplication(id, { status: 'voting' }, 'voting'))) {
        throw new RegistryError('APPLICATION_STATE', 'The vote was closed meanwhile; reload it.');
      }
      const votes = await tx.listVotes(id);
      const eligible = await tx.countOrgs({ kind: 'signatory', status: ['member'] });
      const now = this.deps.clock.now();
      const windowOver = app.voting_closes_at !== null && Date.parse(app.voting_closes_at) <= now.getTime();
      if (!windowOver && votes.length < eligible) {
        throw new RegistryError('VOTING_OPEN', `The vote is open until ${app.voting_closes_at}; ${votes.length} of ${eligible} members have voted.`);
      }
      const t = tally(votes, eligible, rule);
      const outcome = t.admitted ? 'admitted' : 'rejected';
      const why =
        reason ??
        (t.admitted
          ? `Admitted: ${t.yes} yes, ${t.no} no, ${t.abstain} abstain of ${t.eligible} members.`
          : !t.quorum_met
            ? `Rejected: quorum not met (${t.cast} of ${t.eligible} voted, ${rule.quorum * 100}% needed).`
            : `Rejected: majority not reached (${t.yes} yes, ${t.no} no).`);
      let org: Org | null = null;
      let invitation: Decision['invitation'] = null;
      if (t.admitted) {
        org = await this.orgs.insert(tx, actor, {
          slug: await freeSlug(tx, slugify(app.org_name)),
          name: app.org_name,
          country: app.country,
          sector: app.sector,
          size_band: app.size_band,
          website: app.website,
          psirt_contact: app.psirt_contact,
          cvd_policy_url: app.cvd_policy_url,
          security_txt_url: app.security_txt_url,
          status: 'member',
          demo: app.demo,
        });
        for (const p of app.pledges) await this.orgs.endorseIn(tx, actor, org.id, p);
        invitation = (await tx.getUserByEmail(app.contact_email))
          ? null
          : await this.members.inviteIn(tx, actor, org.id, { email: app.contact_email, role: 'org-admin', expires_in_days: 14 });
      }
      const patch = {
        status: outcome as ApplicationStatus,
        decided_at: iso(now),
        decided_by: actor.kind === 'user' ? actor.user.id : null,
        decision_reason: why,
        org_id: org?.id ?? null,
      };
      await tx.updateApplication(id, patch);
      await this.deps.events.applicationDecided(tx, actor, id, outcome, { ...t, org_id: org?.id ?? null }, why);
      return { application: { ...app, ...patch }, tally: t, org, invitation };
    });
  }
}

async function freeSlug(tx: RegistryDeps['store'], base: string): Promise<string> {
  for (let i = 1; i < 1000; i++) {
    const slug = i === 1 ? base : `${base.slice(0, 58)}-${i}`;
    if (!(await tx.getOrgBySlug(slug))) return slug;
  }
  return `${base.slice(0, 40)}-${randomUUID().slice(0, 8)}`;
}

function encodeCursor(a: Application): string {
  return Buffer.from(JSON.stringify([a.submitted_at, a.id])).toString('base64url');
}

function decodeCursor(cursor: string): { submitted_at: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && !Number.isNaN(Date.parse(v[0]))) {
      return { submitted_at: v[0], id: v[1] };
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError([{ path: '/cursor', message: 'is not a cursor this server issued' }]);
}
