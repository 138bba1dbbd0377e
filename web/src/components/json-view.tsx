import { useMemo, type ReactNode } from 'react';

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** Pretty-printed JSON with keys, strings, numbers and literals coloured; the text stays selectable and copyable as JSON. */
export function JsonView({ value, label, maxHeight }: { value: unknown; label: string; maxHeight?: number }) {
  const parts = useMemo(() => highlight(JSON.stringify(value, null, 2) ?? 'undefined'), [value]);
  return (
    <pre className="json" aria-label={label} tabIndex={0} style={maxHeight ? { maxHeight } : undefined}>
      <code>{parts}</code>
    </pre>
  );
}

function highlight(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let i = 0;
  for (const m of text.matchAll(TOKEN)) {
    const at = m.index;
    if (at > last) out.push(text.slice(last, at));
    const [whole, str, colon, lit, num] = m;
    if (str !== undefined && colon !== undefined) {
      out.push(
        <span key={i++} className="json-key">
          {str}
        </span>,
        colon,
      );
    } else if (str !== undefined) {
      out.push(
        <span key={i++} className="json-str">
          {str}
        </span>,
      );
    } else if (lit !== undefined) {
      out.push(
        <span key={i++} className="json-lit">
          {lit}
        </span>,
      );
    } else if (num !== undefined) {
      out.push(
        <span key={i++} className="json-num">
          {num}
        </span>,
      );
    }
    last = at + whole.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
