import type { ReactNode } from 'react';
import type { Problem } from '../../../src/http/api-types.js';

type Kind = 'error' | 'warning' | 'success' | 'info';

const ICONS: Record<Kind, string> = { error: '!', warning: '!', success: '✓', info: 'i' };

/** A coloured notice; errors and warnings are announced to screen readers. */
export function Alert({ kind, title, children, actions }: { kind: Kind; title?: ReactNode; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' || kind === 'warning' ? 'alert' : 'status'}>
      <span className="alert-icon" aria-hidden="true">
        {ICONS[kind]}
      </span>
      <div className="alert-body">
        {title && <div className="alert-title">{title}</div>}
        {children && <div className="alert-text">{children}</div>}
      </div>
      {actions && <div className="alert-actions">{actions}</div>}
    </div>
  );
}

/** The API's problem details: its `detail` first, with the status and code for whoever reports the bug. */
export function ProblemAlert({ problem, fieldErrors = false }: { problem: Problem; fieldErrors?: boolean }) {
  return (
    <Alert
      kind="error"
      title={
        <>
          {problem.title || 'Error'}
          {problem.status > 0 && (
            <span className="alert-code">
              {problem.status} · {problem.code}
            </span>
          )}
        </>
      }
    >
      <span data-testid="problem-detail">{problem.detail}</span>
      {fieldErrors && problem.errors && problem.errors.length > 0 && (
        <ul className="alert-list">
          {problem.errors.map((e, i) => (
            <li key={i}>
              <code>{e.path || '(request)'}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
