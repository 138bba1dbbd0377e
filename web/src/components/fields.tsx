import { useId, type ChangeEvent, type ReactNode } from 'react';
import type { FieldError } from '../../../src/http/api-types.js';

interface Common {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: ReactNode;
  required?: boolean;
}

/** Label, control, hint and error, wired together for assistive technology (aria-describedby, aria-invalid). */
function Field({ label, error, hint, required, id, children }: Omit<Common, 'name'> & { id: string; children: ReactNode }) {
  return (
    <div className={`field ${error ? 'field-invalid' : ''}`}>
      <label htmlFor={id} className="field-label">
        {label}
        {required ? (
          <span className="field-req" aria-hidden="true">
            *
          </span>
        ) : (
          <span className="field-optional">optional</span>
        )}
      </label>
      {children}
      {error && (
        <div id={`${id}-error`} className="field-error">
          {error}
        </div>
      )}
      {hint && (
        <div id={`${id}-hint`} className="field-hint">
          {hint}
        </div>
      )}
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export function TextField(
  props: Common & {
    value: string;
    onChange: (value: string) => void;
    type?: 'text' | 'email' | 'url' | 'password';
    placeholder?: string;
    autoComplete?: string;
    maxLength?: number;
    mono?: boolean;
  },
) {
  const id = useId();
  return (
    <Field id={id} {...props}>
      <input
        id={id}
        name={props.name}
        className={`input ${props.mono ? 'mono' : ''}`}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        maxLength={props.maxLength}
        required={props.required}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props.hint, props.error)}
        onChange={(e: ChangeEvent<HTMLInputElement>) => props.onChange(e.target.value)}
      />
    </Field>
  );
}

export function TextArea(props: Common & { value: string; onChange: (value: string) => void; rows?: number; maxLength?: number; placeholder?: string }) {
  const id = useId();
  return (
    <Field id={id} {...props}>
      <textarea
        id={id}
        name={props.name}
        className="input textarea"
        rows={props.rows ?? 4}
        value={props.value}
        placeholder={props.placeholder}
        maxLength={props.maxLength}
        required={props.required}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props.hint, props.error)}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </Field>
  );
}

export function SelectField(
  props: Common & { value: string; onChange: (value: string) => void; options: { value: string; label: string }[]; placeholder?: string },
) {
  const id = useId();
  return (
    <Field id={id} {...props}>
      <select
        id={id}
        name={props.name}
        className="input select"
        value={props.value}
        required={props.required}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props.hint, props.error)}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/**
 * Groups the API's field errors by top-level field (`/pledges/2` → `pledges`),
 * rewording the schema validator's messages for people.
 */
export function fieldErrors(errors: FieldError[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    const field = e.path.split('/')[1] ?? '';
    const msg = friendly(e.message);
    out[field] = out[field] ? `${out[field]}; ${msg}` : msg;
  }
  return out;
}

/** A schema validator's message reworded for people ("must NOT have fewer than 1 characters" → "is required"). */
export function friendly(message: string): string {
  let m: RegExpExecArray | null;
  if (/must NOT have fewer than 1 characters/.test(message) || /must have required property/.test(message)) return 'is required';
  if ((m = /must NOT have fewer than (\d+) characters/.exec(message))) return `must be at least ${m[1]} characters`;
  if ((m = /must NOT have more than (\d+) characters/.exec(message))) return `must be at most ${m[1]} characters`;
  if (message === 'must match pattern "^[A-Z]{2}$"') return 'must be a two-letter country code in capitals, e.g. DE';
  if (/must be equal to one of the allowed values/.test(message)) return 'must be one of the listed options';
  return message;
}
