/**
 * Secret case links (`/cases/<id>#link=<secret>`) for anonymous reporters and
 * invited outsiders. The secret arrives in the URL fragment, which browsers
 * never send to a server or in a Referer; the console keeps it in
 * sessionStorage for that one case (this tab only), takes it out of the
 * address bar, and sends it as the `x-accord-case-link` header — never in a
 * query string.
 */

export const CASE_LINK_HEADER = 'x-accord-case-link';
const PREFIX = 'accord.case-link.';

/** The secret in the current URL's fragment, if it is one (`#link=acccase_…`). */
export function linkFromHash(hash: string = window.location.hash): string | null {
  const m = /^#link=(acccase_[A-Za-z0-9_-]{10,190})$/.exec(hash);
  return m ? m[1]! : null;
}

export function storedLink(caseId: string): string | null {
  try {
    return window.sessionStorage.getItem(PREFIX + caseId);
  } catch {
    return null;
  }
}

export function storeLink(caseId: string, secret: string): void {
  try {
    window.sessionStorage.setItem(PREFIX + caseId, secret);
  } catch {
    // storage disabled: the link works until the page is reloaded
  }
}

export function forgetLink(caseId: string): void {
  try {
    window.sessionStorage.removeItem(PREFIX + caseId);
  } catch {
    // nothing stored
  }
}

/** Drops the fragment from the address bar (the secret should not sit there for screen shares or copied URLs). */
export function clearHash(): void {
  if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
}

/** Headers that open `caseId` with its link, when one is kept. */
export function linkHeaders(link: string | null): Record<string, string> | undefined {
  return link ? { [CASE_LINK_HEADER]: link } : undefined;
}
