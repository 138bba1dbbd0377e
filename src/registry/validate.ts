import { ValidationError, type FieldProblem } from '../errors.js';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is proven by the invitation.
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const COUNTRY = /^[A-Z]{2}$/;
// C0 controls but tab and newlines, DEL, and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

/** Collects field problems and throws them together, so a caller sees every mistake at once. */
export class Checker {
  readonly problems: FieldProblem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }
  slug(path: string, v: string | undefined | null): void {
    if (v != null && !SLUG.test(v)) this.add(path, 'must be 1–64 lowercase letters, digits or hyphens, not starting or ending with a hyphen');
  }
  email(path: string, v: string | undefined | null): void {
    if (v != null && (v.length > 254 || !EMAIL.test(v))) this.add(path, 'must be an e-mail address');
  }
  country(path: string, v: string | undefined | null): void {
    if (v != null && !COUNTRY.test(v)) this.add(path, 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. DE');
  }
  /** An absolute https (or http) URL without credentials; stored and shown, never fetched by the server. */
  url(path: string, v: string | undefined | null): void {
    if (v == null) return;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      this.add(path, 'must be an absolute URL');
      return;
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') this.add(path, 'must be an http or https URL');
    else if (u.username !== '' || u.password !== '') this.add(path, 'must not contain credentials');
    else if (v.length > 2048) this.add(path, 'must be at most 2048 characters');
  }
  /** A PSIRT contact is an e-mail address or a URL (a web form). */
  contact(path: string, v: string | undefined | null): void {
    if (v == null) return;
    if (v.includes('@') && !v.includes('/')) this.email(path, v);
    else this.url(path, v);
  }
  /**
   * Free text. Control characters are refused everywhere (NUL cannot even be
   * stored in PostgreSQL), and so are bidirectional overrides and isolates,
   * which can make a name display as something else ("Trojan Source").
   * Fields of at most 200 characters are single lines.
   */
  text(path: string, v: string | undefined | null, max: number): void {
    if (v == null) return;
    if (v.trim().length === 0) this.add(path, 'must not be blank');
    else if (v.length > max) this.add(path, `must be at most ${max} characters`);
    else if (CONTROL.test(v) || (max <= 200 && /[\r\n\t]/.test(v))) this.add(path, 'must not contain control characters');
    else if (BIDI_CONTROL.test(v)) this.add(path, 'must not contain bidirectional override characters');
  }
  done(): void {
    if (this.problems.length > 0) throw new ValidationError(this.problems);
  }
}

/** Lowercases and trims an e-mail address so that uniqueness means something. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A URL-safe slug from a name: "Northwind Security, Inc." → "northwind-security-inc". */
export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s.length > 0 ? s : 'org';
}
