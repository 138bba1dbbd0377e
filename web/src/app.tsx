import { useEffect, type ReactNode } from 'react';
import { Link, matchPath, navigate, useLocation } from './router.js';
import { abilities, useSession } from './session.js';
import { Alert } from './components/alert.js';
import { DirectoryPage } from './pages/directory.js';
import { SignatoryPage } from './pages/signatory.js';
import { ApplyPage } from './pages/apply.js';
import { AcceptInvitationPage } from './pages/accept-invitation.js';
import { SignInPage } from './pages/sign-in.js';
import { ApplicationsPage } from './pages/applications.js';
import { ApplicationPage } from './pages/application.js';
import { AuditPage } from './pages/audit.js';
import { PILLARS, PillarPlaceholder } from './pages/pillar-placeholder.js';
import { LedgerStatusPage } from './pages/ledger-status.js';
import { LedgerEntriesPage } from './pages/ledger-entries.js';
import { LedgerEntryPage } from './pages/ledger-entry.js';
import { ReleasesPage } from './pages/releases.js';
import { ReleaseVerifyPage } from './pages/release-verify.js';
import { NotFoundPage } from './pages/not-found.js';
import { IntelSearchPage } from './pages/intel-search.js';
import { IntelObjectPage } from './pages/intel-object.js';
import { IntelCollectionsPage } from './pages/intel-collections.js';
import { IntelGroupsPage } from './pages/intel-groups.js';
import { IntelUploadPage } from './pages/intel-upload.js';
import { ReportPage } from './pages/report.js';
import { CasesPage } from './pages/cases.js';
import { CasePage } from './pages/case.js';
import { AdvisoryEditorPage } from './pages/advisory-editor.js';
import { AdvisoriesPage } from './pages/advisories.js';
import { AdvisoryPage } from './pages/advisory.js';
import { CheckSbomPage } from './pages/check-sbom.js';
import { CheckLogsPage } from './pages/check-logs.js';
import { CheckExportsPage } from './pages/check-exports.js';

type Section = 'registry' | (typeof PILLARS)[number]['id'] | 'none';

interface Route {
  path: string;
  section: Section;
  title: string;
  render: (params: Record<string, string>) => ReactNode;
}

/** Pillars with pages of their own; the others show their placeholder. */
const BUILT = new Set<Section>(['intel', 'disclosure', 'advisories', 'ledger', 'releases', 'match']);

const ROUTES: Route[] = [
  { path: '/', section: 'registry', title: 'Signatories', render: () => <DirectoryPage /> },
  { path: '/signatories/:slug', section: 'registry', title: 'Signatory', render: (p) => <SignatoryPage slug={p.slug!} /> },
  { path: '/apply', section: 'registry', title: 'Apply to join', render: () => <ApplyPage /> },
  { path: '/applications', section: 'registry', title: 'Applications', render: () => <ApplicationsPage /> },
  { path: '/applications/:id', section: 'registry', title: 'Application', render: (p) => <ApplicationPage id={p.id!} /> },
  { path: '/audit', section: 'registry', title: 'Audit trail', render: () => <AuditPage /> },
  { path: '/invitations/accept', section: 'none', title: 'Accept an invitation', render: () => <AcceptInvitationPage /> },
  { path: '/sign-in', section: 'none', title: 'Sign in', render: () => <SignInPage /> },
  { path: '/intel', section: 'intel', title: 'Intel', render: () => <IntelSearchPage /> },
  { path: '/intel/objects/:id', section: 'intel', title: 'Intel object', render: (p) => <IntelObjectPage id={p.id!} /> },
  { path: '/intel/collections', section: 'intel', title: 'Intel collections', render: () => <IntelCollectionsPage /> },
  { path: '/intel/groups', section: 'intel', title: 'Sharing groups', render: () => <IntelGroupsPage /> },
  { path: '/intel/upload', section: 'intel', title: 'Upload a STIX bundle', render: () => <IntelUploadPage /> },
  { path: '/disclosure', section: 'disclosure', title: 'Disclosure', render: () => <DisclosureHome /> },
  { path: '/report', section: 'disclosure', title: 'Report a vulnerability', render: () => <ReportPage /> },
  { path: '/cases', section: 'disclosure', title: 'Cases', render: () => <CasesPage /> },
  { path: '/cases/:id', section: 'disclosure', title: 'Case', render: (p) => <CasePage id={p.id!} /> },
  { path: '/cases/:id/advisory', section: 'disclosure', title: 'Advisory editor', render: (p) => <AdvisoryEditorPage id={p.id!} /> },
  { path: '/advisories', section: 'advisories', title: 'Advisories', render: () => <AdvisoriesPage /> },
  { path: '/advisories/:tid', section: 'advisories', title: 'Advisory', render: (p) => <AdvisoryPage tid={p.tid!} /> },
  { path: '/ledger', section: 'ledger', title: 'Transparency log', render: () => <LedgerStatusPage /> },
  { path: '/ledger/entries', section: 'ledger', title: 'Log entries', render: () => <LedgerEntriesPage /> },
  { path: '/ledger/entries/:index', section: 'ledger', title: 'Log entry', render: (p) => <LedgerEntryPage index={p.index!} /> },
  { path: '/releases', section: 'releases', title: 'Releases', render: () => <ReleasesPage /> },
  { path: '/releases/verify', section: 'releases', title: 'Verify a download', render: () => <ReleaseVerifyPage /> },
  { path: '/match', section: 'match', title: 'Match', render: () => <Redirect to="/check/logs" /> },
  { path: '/check/logs', section: 'match', title: 'Check my logs', render: () => <CheckLogsPage /> },
  { path: '/check/sbom', section: 'match', title: 'Check my SBOM', render: () => <CheckSbomPage /> },
  { path: '/check/exports', section: 'match', title: 'Sensor exports', render: () => <CheckExportsPage /> },
  { path: '/match/exports', section: 'match', title: 'Sensor exports', render: () => <Redirect to="/check/exports" /> },
  ...PILLARS.filter((p) => !BUILT.has(p.id)).map((p) => ({ path: `/${p.id}`, section: p.id, title: p.name, render: () => <PillarPlaceholder pillar={p} /> })),
];

function resolve(pathname: string): { route: Route | null; params: Record<string, string> } {
  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return { route: null, params: {} };
}

export function App() {
  const { pathname } = useLocation();
  const { route, params } = resolve(pathname);
  const section = route?.section ?? 'none';

  useEffect(() => {
    document.title = route ? `${route.title} · Accord` : 'Not found · Accord';
  }, [route]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar section={section} />
      {section === 'registry' && <RegistryTabs pathname={pathname} />}
      {section === 'intel' && (
        <SectionTabs
          label="Intel"
          tabs={[
            { to: '/intel', label: 'Search', active: pathname === '/intel' || pathname.startsWith('/intel/objects') },
            { to: '/intel/collections', label: 'Collections', active: pathname === '/intel/collections' },
            { to: '/intel/groups', label: 'Sharing groups', active: pathname === '/intel/groups' },
            { to: '/intel/upload', label: 'Upload', active: pathname === '/intel/upload' },
          ]}
        />
      )}
      {section === 'disclosure' && (
        <SectionTabs
          label="Disclosure"
          tabs={[
            { to: '/cases', label: 'Cases', active: pathname.startsWith('/cases') },
            { to: '/report', label: 'Report a vulnerability', active: pathname === '/report' },
          ]}
        />
      )}
      {section === 'ledger' && (
        <SectionTabs
          label="Ledger"
          tabs={[
            { to: '/ledger', label: 'Status', active: pathname === '/ledger' },
            { to: '/ledger/entries', label: 'Entries', active: pathname.startsWith('/ledger/entries') },
          ]}
        />
      )}
      {section === 'releases' && (
        <SectionTabs
          label="Releases"
          tabs={[
            { to: '/releases', label: 'Search', active: pathname === '/releases' },
            { to: '/releases/verify', label: 'Verify a download', active: pathname === '/releases/verify' },
          ]}
        />
      )}
      {section === 'match' && (
        <SectionTabs
          label="Match"
          tabs={[
            { to: '/check/logs', label: 'Check my logs', active: pathname === '/check/logs' },
            { to: '/check/sbom', label: 'Check my SBOM', active: pathname === '/check/sbom' },
            { to: '/check/exports', label: 'Sensor exports', active: pathname === '/check/exports' },
          ]}
        />
      )}
      <main id="main" className="main" tabIndex={-1}>
        <SessionNotice />
        {route ? route.render(params) : <NotFoundPage />}
      </main>
      <footer className="footer">
        <span>Accord · the working platform of the accord</span>
        <span className="footer-links">
          <a href="/api/docs">API docs</a>
          <a href="/api/openapi.json">OpenAPI</a>
        </span>
      </footer>
    </div>
  );
}

function TopBar({ section }: { section: Section }) {
  const { me } = useSession();
  // Disclosure opens on the case inbox for participants and on the report form for everyone else.
  const home = (id: Section) => (id === 'disclosure' ? (me ? '/cases' : '/report') : id === 'match' ? '/check/logs' : `/${id}`);
  const items: { id: Section; name: string; to: string }[] = [{ id: 'registry', name: 'Registry', to: '/' }, ...PILLARS.map((p) => ({ id: p.id, name: p.name, to: home(p.id) }))];
  return (
    <header className="topbar">
      <Link to="/" className="brand" aria-label="Accord home">
        <span className="brand-mark" aria-hidden="true">
          A
        </span>
        <span className="brand-name">Accord</span>
      </Link>
      <nav className="pillars" aria-label="Pillars">
        {items.map((i) => (
          <Link key={i.id} to={i.to} className={`pillar ${section === i.id ? 'active' : ''}`} aria-current={section === i.id ? 'page' : undefined}>
            {i.name}
          </Link>
        ))}
      </nav>
      <div className="topbar-right">
        <SessionChip />
      </div>
    </header>
  );
}

/** An old or short address: replaced by the page's own (keeps the query). */
function Redirect({ to }: { to: string }) {
  useEffect(() => {
    navigate(to + window.location.search, { replace: true });
  }, [to]);
  return null;
}

/** `/disclosure`: the inbox when signed in, the report form otherwise. */
function DisclosureHome() {
  const { state } = useSession();
  useEffect(() => {
    if (state.status !== 'loading') navigate(state.status === 'signed-in' ? '/cases' : '/report', { replace: true });
  }, [state.status]);
  return null;
}

function SessionChip() {
  const { state, signOut } = useSession();
  if (state.status === 'loading') return <span className="session-muted">Checking session…</span>;
  if (state.status === 'anonymous') {
    return (
      <Link to="/sign-in" className="btn btn-sm btn-topbar">
        Sign in
      </Link>
    );
  }
  const { user, org } = state.me;
  const initials = user.name
    .split(/\s+/)
    .filter((w) => /^[A-Za-z0-9]/.test(w))
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
  return (
    <div className="session" data-testid="session">
      <span className="avatar" aria-hidden="true">
        {initials || '?'}
      </span>
      <span className="session-who">
        <span className="session-name">{user.name}</span>
        <span className="session-org">
          {org.name} · <span className="session-role">{user.role}</span>
        </span>
      </span>
      <button type="button" className="btn btn-sm btn-topbar" onClick={() => signOut()}>
        Sign out
      </button>
    </div>
  );
}

function RegistryTabs({ pathname }: { pathname: string }) {
  const { me } = useSession();
  const can = abilities(me);
  const tabs = [
    { to: '/', label: 'Signatories', active: pathname === '/' || pathname.startsWith('/signatories/') },
    ...(can.canSeeApplications ? [{ to: '/applications', label: 'Applications', active: pathname.startsWith('/applications') }] : []),
    ...(can.isAdmin ? [{ to: '/audit', label: 'Audit trail', active: pathname === '/audit' }] : []),
    { to: '/apply', label: 'Apply to join', active: pathname === '/apply' },
  ];
  return <SectionTabs label="Registry" tabs={tabs} />;
}

/** A pillar's second row of navigation. */
function SectionTabs({ label, tabs }: { label: string; tabs: { to: string; label: string; active: boolean }[] }) {
  return (
    <nav className="subnav" aria-label={label}>
      <div className="subnav-inner">
        {tabs.map((t) => (
          <Link key={t.to} to={t.to} className={`subnav-tab ${t.active ? 'active' : ''}`} aria-current={t.active ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </div>
    </nav>
  );
}

function SessionNotice() {
  const { state } = useSession();
  if (state.status === 'anonymous' && state.notice) {
    return (
      <Alert kind="warning" title="Signed out" actions={<Link to="/sign-in" className="btn btn-sm">Sign in</Link>}>
        {state.notice}
      </Alert>
    );
  }
  return null;
}
