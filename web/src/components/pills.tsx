import type { ReactNode } from 'react';
import type { ApplicationStatus, OrgStatus } from '../../../src/http/api-types.js';

const TONE: Record<ApplicationStatus | OrgStatus, string> = {
  submitted: 'blue',
  voting: 'amber',
  admitted: 'green',
  rejected: 'red',
  withdrawn: 'gray',
  applicant: 'blue',
  member: 'green',
  suspended: 'red',
};

/** The state of an application or an organisation, always the same colour for the same word. */
export function StatusPill({ status }: { status: ApplicationStatus | OrgStatus }) {
  return (
    <span className={`pill pill-${TONE[status] ?? 'gray'}`} data-status={status}>
      <span className="pill-dot" aria-hidden="true" />
      {status}
    </span>
  );
}

export function Pill({ tone = 'gray', children, title }: { tone?: string; children: ReactNode; title?: string }) {
  return (
    <span className={`pill pill-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** Marks demo data, which `accord init --demo` creates and which is not real. */
export function DemoBadge() {
  return (
    <span className="badge badge-demo" title="Demo data created by accord init --demo; not a real organisation">
      Demo
    </span>
  );
}

/** A compact label for a pledge; principles and secretariat commitments look different. */
export function PledgeBadge({ slug, title, kind }: { slug: string; title: string; kind?: 'principle' | 'commitment' }) {
  const label = title.length <= 20 ? title : slug;
  return (
    <span className={`badge badge-pledge ${kind === 'commitment' ? 'badge-commitment' : ''}`} title={title}>
      {label}
    </span>
  );
}
