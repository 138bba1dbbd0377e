import type pino from 'pino';
import type { Config } from './config/config.js';
import { readLogKey, readManifest, paths, type DataDirManifest } from './data-dir.js';
import { Events } from './events.js';
import { decodeSignerKey, verifierKey, type NoteSigner } from './ledger/note-key.js';
import { Ledger, type LedgerOptions } from './ledger/ledger.js';
import { registryLedgerFeed } from './registry/ledger-feed.js';
import { Cosigning } from './ledger/cosigning.js';
import { releaseIndexFeed, type ReleaseIndexFeed } from './release/index-feed.js';
import type { LogPolicy, WitnessConfig } from './ledger/policy.js';
import type { RegistryStore } from './registry/ports.js';
import { createLoggers, type Loggers } from './logger.js';
import { ApplicationService } from './registry/application-service.js';
import { AuthService } from './registry/auth-service.js';
import { systemClock, type Clock } from './registry/clock.js';
import type { RegistryDeps } from './registry/deps.js';
import { MemberService } from './registry/member-service.js';
import { OrgService } from './registry/org-service.js';
import { IntelService, DEFAULT_GRANTS, type IntelDeps } from './intel/service.js';
import { intelLedgerFeed } from './intel/ledger-feed.js';
import type { IntelStore, Recipient } from './intel/ports.js';
import { openPostgresStore } from './store/postgres/open.js';
import { openSqliteStore } from './store/sqlite/open.js';
import type { Store } from './store/store.js';
import { DisclosureService, type CaseNotice } from './disclosure/service.js';
import { AdvisoryService } from './disclosure/advisories.js';
import { advisoryRenderer } from './disclosure/render.js';
import { advisoryLedgerFeed } from './disclosure/ledger-feed.js';
import { loadCsafKey, type CsafKey } from './csaf-key.js';
import { caseNoticeSink } from './case-notices.js';
import { accordVulnRecords } from './advisory/vulndb.js';
import { SbomChecker } from './advisory/sbom-check.js';
import { Notifier } from './notify/notifier.js';
import { WebhookSender } from './notify/webhook.js';
import { SmtpSender, smtpConfigFromUrl } from './notify/smtp.js';
import type { Org } from './registry/types.js';

/** The one composition root: config → store → services. Routes and commands receive this. */
export interface Context {
  config: Config;
  loggers: Loggers;
  clock: Clock;
  store: Store;
  registry: RegistryDeps;
  auth: AuthService;
  orgs: OrgService;
  members: MemberService;
  applications: ApplicationService;
  log: { origin: string; vkey: string; signer: NoteSigner };
  ledger: Ledger;
  intel: IntelService;
  disclosure: DisclosureService;
  advisories: AdvisoryService;
  /** Ends due embargoes, sends reminders and publishes due advisories; `runNow()` runs it at once (serialised). */
  scheduler: DueScheduler;
  /** Delivers the outbox (webhooks, e-mail); tests call `drain()`. */
  notifier: Notifier;
  /** "Am I affected?": keeps the records it loaded until the vulnerability database changes. */
  sbom: SbomChecker;
  /** The CSAF provider's OpenPGP key. */
  csafKey: CsafKey;
  /** Brings the release search index up to the published log (also run by the sequencer). */
  indexReleases: ReleaseIndexFeed;
  /** The log's trust policy: its key, the configured witnesses and the quorum. */
  logPolicy(): Promise<LogPolicy>;
  manifest: DataDirManifest;
  close(): Promise<void>;
}

export interface ContextOptions {
  clock?: Clock;
  /** Ledger tuning (tests and benchmarks). */
  ledger?: Partial<Pick<LedgerOptions, 'integrateDelayMs' | 'pollMs' | 'maxQueued' | 'sequenceBatch' | 'maxIntegrationBatch'>>;
  logDestination?: pino.DestinationStream;
}

/** Opens the database the configuration names. */
export function openStore(config: Config): Promise<Store> {
  return config.databaseUrl ? openPostgresStore(config.databaseUrl) : openSqliteStore(paths(config.dataDir).sqlite);
}

/** Builds the services on an already-open store (init uses this before the data directory is complete). */
export function buildServices(store: Store, loggers: Loggers, clock: Clock) {
  const registry: RegistryDeps = { store: store.registry, clock, events: new Events(loggers.audit, clock) };
  const orgs = new OrgService(registry);
  const members = new MemberService(registry);
  return {
    registry,
    auth: new AuthService(registry),
    orgs,
    members,
    applications: new ApplicationService(registry, orgs, members),
  };
}

/** Builds everything for an initialised data directory. */
export async function createContext(config: Config, options: ContextOptions = {}): Promise<Context> {
  const manifest = readManifest(config.dataDir);
  const signer = decodeSignerKey(readLogKey(config.dataDir));
  const loggers = createLoggers(config.logLevel, options.logDestination);
  const clock = options.clock ?? systemClock;
  const store = await openStore(config);
  const services = buildServices(store, loggers, clock);
  const ledgerLog = loggers.root.child({ subsystem: 'ledger' });
  const feeds: (() => Promise<void>)[] = [];
  const cosigning = new Cosigning({ store: store.log, witnesses: () => configuredWitnesses(store.registry), fetch: (url, init) => fetch(url, init), log: ledgerLog });
  const ledger = new Ledger(store.log, {
    origin: manifest.log_origin,
    signer,
    now: () => clock.now(),
    log: ledgerLog,
    feeds,
    // The next checkpoint waits for this one's cosigning (bounded), so slow witnesses are not always one checkpoint behind.
    onCheckpoint: (state) => cosigning.cosign(state),
    ...options.ledger,
  });
  feeds.push(registryLedgerFeed(store.registry, (kind, data, key) => ledger.append(kind, data, key)));
  const indexReleases = releaseIndexFeed(store.log, store.releases);
  feeds.push(indexReleases);
  const intelFeed = intelLedgerFeed(store.intel, ledger);
  feeds.push(intelFeed);
  const intel = buildIntel(store, clock, loggers, { workerThread: config.intelWorker, remember: intelFeed.remember });
  const notifyLog = loggers.root.child({ subsystem: 'notify' });
  const smtp = config.smtp ? new SmtpSender(smtpConfigFromUrl(config.smtp.url, config.smtp.from), { clock }) : null;
  const notifier = new Notifier({
    store: store.notify,
    clock,
    log: notifyLog,
    webhook: new WebhookSender({ clock, allowPrivateNetworks: config.webhookAllowPrivate }),
    ...(smtp ? { email: smtp } : {}),
  });
  const sink = caseNoticeSink({ notify: store.notify, registry: store.registry, clock, publicUrl: config.publicUrl, log: notifyLog, kick: () => notifier.kick() });
  // The scheduler is built after the services it drives; they reach it through this.
  const deadlines = { changed: (): void => undefined };
  const disclosure = buildDisclosure(store, clock, config, sink, () => deadlines.changed());
  const coordinator = await secretariatOrg(store);
  const csafKey = await loadCsafKey(config.dataDir, { name: coordinator.name, email: `csaf@${new URL(config.publicUrl).hostname}` });
  const advisories = new AdvisoryService({
    store: store.disclosure,
    disclosure,
    clock,
    renderer: advisoryRenderer({ publisher: { name: coordinator.name, namespace: config.publicUrl }, publicUrl: config.publicUrl }),
    sign: (bytes) => csafKey.sign(bytes),
    onScheduled: () => deadlines.changed(),
    onPublished: (v) => void store.vulndb.upsertVulnRecords(accordVulnRecords(v.osv, v.csaf, v.published_at)).catch((err: unknown) => loggers.root.error({ err }, 'indexing a published advisory for SBOM checks failed')),
  });
  feeds.push(advisoryLedgerFeed(store.disclosure, (kind, data, key) => ledger.append(kind, data, key)));
  const scheduler = new DueScheduler(
    async () => {
      await advisories.publishDue();
      // Settled outbox messages go after 30 days: invitation e-mails carry case links.
      await store.notify.pruneOutbox(new Date(clock.now().getTime() - 30 * 86_400_000));
    },
    () => advisories.nextDue(), clock, loggers.root.child({ subsystem: 'disclosure' }));
  await ensureIntelDefaults(store.intel, clock);
  await syncAccordAdvisories(store);
  await intel.recoverStatuses();
  await ledger.start();
  deadlines.changed = () => scheduler.rearm();
  scheduler.start();
  notifier.start();
  return {
    config,
    loggers,
    clock,
    store,
    ...services,
    log: { origin: manifest.log_origin, vkey: verifierKey(signer.name, signer.publicKey), signer },
    manifest,
    ledger,
    intel,
    disclosure,
    advisories,
    csafKey,
    indexReleases,
    logPolicy: async () => ({
      logVkey: verifierKey(signer.name, signer.publicKey),
      witnesses: await configuredWitnesses(store.registry),
      quorum: (await store.registry.getSetting<number>(QUORUM_SETTING)) ?? 0,
    }),
    notifier,
    scheduler,
    sbom: new SbomChecker(store.vulndb),
    async close() {
      scheduler.stop();
      await notifier.stop();
      smtp?.close();
      await intel.drain();
      await ledger.stop();
      await store.close();
    },
  };
}

/** Where the log's witness configuration lives (the database, so every node shares it). */
export const WITNESSES_SETTING = 'log.witnesses';
export const QUORUM_SETTING = 'log.quorum';

export async function configuredWitnesses(registry: RegistryStore): Promise<WitnessConfig[]> {
  return (await registry.getSetting<WitnessConfig[]>(WITNESSES_SETTING)) ?? [];
}

/** The intel service with recipients resolved against the registry and sharing groups. */
export function buildIntel(store: Store, clock: Clock, loggers: Loggers, options: Pick<IntelDeps, 'workerThread' | 'remember'> = {}): IntelService {
  const log = loggers.root.child({ subsystem: 'intel' });
  return new IntelService({
    ...options,
    store: store.intel,
    clock,
    onError: (err) => log.error({ err }, 'intel ingestion failed'),
    async resolveRecipient(ref): Promise<Recipient | null> {
      const colon = ref.indexOf(':');
      const kind = ref.slice(0, colon);
      const value = ref.slice(colon + 1);
      if (colon < 1 || value === '') return null;
      if (kind === 'org') {
        const org = await store.registry.getOrgBySlug(value);
        return org ? `org:${org.id}` : null;
      }
      if (kind === 'org-id') return (await store.registry.getOrg(value)) ? `org:${value}` : null;
      if (kind === 'group') {
        const g = await store.intel.getGroup(value);
        return g ? `group:${g.id}` : null;
      }
      if (kind === 'user') {
        const u = await store.registry.getUserByEmail(value.toLowerCase());
        return u ? `user:${u.id}` : null;
      }
      return null;
    },
  });
}

/** The API root and collection every fresh server has (TAXII clients work at once with the admin token). */
export const DEFAULT_API_ROOT = 'api';
export const DEFAULT_COLLECTION_ID = 'adbe4e0f-c0f4-43bd-8431-33a04e3c7c94';

export async function ensureIntelDefaults(intel: IntelStore, clock: Clock): Promise<void> {
  if ((await intel.listApiRoots()).length > 0) return;
  const now = clock.now().toISOString();
  await intel.putApiRoot({ id: DEFAULT_API_ROOT, title: 'Accord', description: 'Threat intelligence of the coalition', max_content_length: 10 * 1024 * 1024, created_at: now });
  await intel.putCollection({
    id: DEFAULT_COLLECTION_ID,
    api_root: DEFAULT_API_ROOT,
    title: 'Shared intelligence',
    description: 'Every signatory may read; every role but viewer may write. TLP 2.0 is enforced per object; unmarked objects are TLP:AMBER.',
    alias: 'shared',
    default_tlp: 'AMBER',
    public_read: true,
    grants: [...DEFAULT_GRANTS],
    created_at: now,
  });
}

/** The secretariat's organisation: coordinator of every case. */
export async function secretariatOrg(store: Store): Promise<Org> {
  const [org] = await store.registry.listOrgs({ kind: 'secretariat', limit: 1 });
  if (!org) throw new Error('The data directory has no secretariat organisation; run accord init.');
  return org;
}

/** The disclosure service on the store, with the secretariat as coordinator. */
export function buildDisclosure(store: Store, clock: Clock, config: Config, notify?: (n: CaseNotice) => void, onEmbargoChange?: () => void): DisclosureService {
  return new DisclosureService({
    store: store.disclosure,
    clock,
    coordinatorOrg: () => secretariatOrg(store),
    getOrg: (id) => store.registry.getOrg(id),
    getOrgBySlug: (slug) => store.registry.getOrgBySlug(slug),
    maxEmbargoDays: config.limits.maxEmbargoDays,
    ...(notify ? { notify } : {}),
    ...(onEmbargoChange ? { onEmbargoChange } : {}),
  });
}

/**
 * Runs `work` (end due embargoes, publish due advisories) when the next
 * deadline comes, and at least every minute (another node may have set a new
 * deadline). Publication happens at the embargo end, or at start-up when the
 * end passed while the server was down.
 */
export class DueScheduler {
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private running: Promise<void> | null = null;
  private generation = 0;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly next: () => Promise<string | null>,
    private readonly clock: Clock,
    private readonly log: { error(o: object, msg: string): void },
    private readonly maxWaitMs = 60_000,
  ) {}

  start(): void {
    this.stopped = false;
    this.arm(0);
  }

  /** A deadline may have moved (an embargo agreed, a publication scheduled): look again now. */
  rearm(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.arm(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Runs the work now (tests, and after a change that may make something due). */
  async runNow(): Promise<void> {
    if (!this.running) {
      this.running = (async () => {
        try {
          await this.work();
        } catch (err) {
          this.log.error({ err }, 'scheduled disclosure work failed');
        } finally {
          this.running = null;
        }
      })();
    }
    return this.running;
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    // Only the newest arming continues the chain: a rearm while a run is under way must not fork it.
    const generation = ++this.generation;
    this.timer = setTimeout(() => {
      void (async () => {
        await this.runNow();
        if (generation !== this.generation) return;
        let wait = this.maxWaitMs;
        try {
          const due = await this.next();
          if (due !== null) wait = Math.max(0, Math.min(wait, Date.parse(due) - this.clock.now().getTime()));
        } catch (err) {
          this.log.error({ err }, 'reading the next disclosure deadline failed');
        }
        if (generation === this.generation) this.arm(wait);
      })();
    }, ms);
    this.timer.unref();
  }
}

/**
 * Brings the SBOM-check database up to every published coalition advisory
 * (at start: a publication whose indexing was interrupted is picked up;
 * unchanged records are left alone).
 */
export async function syncAccordAdvisories(store: Store): Promise<void> {
  let before: { published_at: string; advisory_id: string } | undefined;
  for (;;) {
    const page = await store.disclosure.listLatestAdvisoryVersions({ limit: 200, ...(before ? { before } : {}) });
    const records = page.flatMap((v) => accordVulnRecords(v.osv, v.csaf, v.published_at));
    if (records.length > 0) await store.vulndb.upsertVulnRecords(records);
    if (page.length < 200) return;
    const last = page[page.length - 1]!;
    before = { published_at: last.published_at, advisory_id: last.advisory_id };
  }
}
