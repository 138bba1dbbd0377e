import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface Option {
  value: string;
  label: string;
  /** Shown after the label, e.g. a slug. */
  hint?: string;
}

/**
 * A dropdown of checkboxes: compact in a filter bar, keyboard-usable (a
 * button that opens a group of native checkboxes; Escape closes it), and with
 * a filter box when the list is long.
 */
export function MultiSelect({
  label,
  options,
  selected,
  onChange,
  anyLabel,
  searchable = false,
  renderOption,
  wide = false,
}: {
  label: string;
  options: readonly Option[];
  selected: readonly string[];
  onChange: (values: string[]) => void;
  /** The button's text when nothing is selected. */
  anyLabel: string;
  searchable?: boolean;
  renderOption?: (o: Option) => ReactNode;
  wide?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const root = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  const toggle = (value: string) => onChange(selected.includes(value) ? selected.filter((v) => v !== value) : [...selected, value]);
  const byValue = new Map(options.map((o) => [o.value, o]));
  const summary =
    selected.length === 0
      ? anyLabel
      : selected.length <= 2
        ? selected.map((v) => byValue.get(v)?.label ?? v).join(', ')
        : `${selected.length} selected`;
  const needle = filter.trim().toLowerCase();
  const shown = needle ? options.filter((o) => `${o.label} ${o.hint ?? ''} ${o.value}`.toLowerCase().includes(needle)) : options;

  return (
    <div
      className={`multi ${wide ? 'multi-wide' : ''}`}
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
          root.current?.querySelector<HTMLButtonElement>('.multi-button')?.focus();
        }
      }}
    >
      <button
        type="button"
        className={`input select multi-button ${selected.length > 0 ? 'multi-active' : ''}`}
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-label={`${label}: ${summary}`}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="multi-summary">{summary}</span>
      </button>
      {open && (
        <div className="multi-pop" id={`${id}-list`} role="group" aria-label={label}>
          {searchable && (
            <input
              className="input input-sm multi-filter"
              type="search"
              placeholder="Filter…"
              aria-label={`Filter ${label.toLowerCase()}`}
              value={filter}
              autoFocus
              onChange={(e) => setFilter(e.target.value)}
            />
          )}
          <div className="multi-options">
            {shown.map((o) => (
              <label key={o.value} className="multi-option">
                <input type="checkbox" checked={selected.includes(o.value)} onChange={() => toggle(o.value)} />
                <span className="multi-option-label">{renderOption ? renderOption(o) : o.label}</span>
                {o.hint && <span className="multi-option-hint mono">{o.hint}</span>}
              </label>
            ))}
            {shown.length === 0 && <div className="multi-none muted small">No match</div>}
          </div>
          {selected.length > 0 && (
            <div className="multi-foot">
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => onChange([])}>
                Clear
              </button>
              <button type="button" className="btn btn-sm" onClick={() => setOpen(false)}>
                Done
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
