import type { ReactNode } from 'react';
import type { Problem } from '../../../src/http/api-types.js';
import { ProblemAlert } from './alert.js';

export function PageHeader({ title, subtitle, actions, meta }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; meta?: ReactNode }) {
  return (
    <header className="page-header">
      <div className="page-header-main">
        <h1 className="page-title">{title}</h1>
        {meta && <div className="page-meta">{meta}</div>}
        {subtitle && <p className="page-subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Card({ title, actions, children, className, flush }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; flush?: boolean }) {
  return (
    <section className={`card ${className ?? ''}`}>
      {(title || actions) && (
        <div className="card-header">
          {title && <h2 className="card-title">{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      <div className={flush ? 'card-flush' : 'card-body'}>{children}</div>
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** Shows the API's error, a spinner until the first data arrives, then the content. */
export function DataState<T>({ data, error, loading, children }: { data: T | undefined; error: Problem | null; loading: boolean; children: (data: T) => ReactNode }) {
  if (error) return <ProblemAlert problem={error} />;
  if (data === undefined) return loading ? <Loading /> : null;
  return <>{children(data)}</>;
}

/** A label–value grid for profiles and details. */
export function DefinitionList({ items }: { items: [ReactNode, ReactNode][] }) {
  return (
    <dl className="dl">
      {items.map(([k, v], i) => (
        <div className="dl-row" key={i}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** An external link: opens in a new tab without giving that page a handle on this one. */
export function ExternalLink({ href, children }: { href: string; children?: ReactNode }) {
  const safe = /^https?:\/\//i.test(href);
  if (!safe) return <span className="mono">{href}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="ext">
      {children ?? href}
      <span aria-hidden="true" className="ext-icon">
        ↗
      </span>
    </a>
  );
}
