import { useRef, type RefObject } from 'react';

/** Where JSON.parse stopped: V8 says "… at position 123 (line 5 column 3)" or only the position. */
export function jsonErrorAt(message: string, text: string): { line: number; column: number } | null {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (!pos) return null;
  const before = text.slice(0, Number(pos[1]));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/**
 * The line where the value at a JSON pointer (RFC 6901) starts in `text`, or
 * of its deepest existing ancestor (a problem about a missing member points
 * at the object that lacks it). Null when the text is not JSON.
 */
export function lineOfPointer(text: string, pointer: string): number | null {
  const target = pointer === '' ? [] : pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let i = 0;
  let line = 1;
  let best = { depth: -1, line: 1 };
  const fail = (): never => {
    throw new Error('not JSON');
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const str = (): string => {
    if (text[i] !== '"') fail();
    const start = ++i;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    return JSON.parse(text.slice(start - 1, ++i)) as string;
  };
  const value = (path: string[]): void => {
    ws();
    const onPath = path.length <= target.length && path.every((p, k) => p === target[k]);
    if (onPath && path.length > best.depth) best = { depth: path.length, line };
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        const key = str();
        ws();
        if (text[i++] !== ':') fail();
        value([...path, key]);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (let n = 0; ; n++) {
        value([...path, String(n)]);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (c === '"') return void str();
    const start = i;
    while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    if (i === start) fail();
  };
  try {
    value([]);
  } catch {
    return null;
  }
  return best.line;
}

/** Puts the caret at the start of `line` and scrolls it into the middle of the editor. */
export function goToLine(ta: HTMLTextAreaElement, line: number): void {
  const lines = ta.value.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  ta.focus();
  ta.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  ta.scrollTop = Math.max(0, (line - 1) * 18 - ta.clientHeight / 2);
}

/**
 * A plain monospace JSON editor: a textarea (no wrapping, so lines match the
 * numbers) beside a gutter of line numbers that scrolls with it. The line of
 * a JSON syntax error is marked in the gutter.
 */
export function JsonEditor({
  value,
  onChange,
  readOnly,
  label,
  errorLine,
  problemLines,
  textareaRef,
}: {
  value: string;
  onChange: (v: string) => void;
  readOnly: boolean;
  label: string;
  errorLine?: number | null;
  /** Lines where validation problems point: marked in the gutter. */
  problemLines?: ReadonlySet<number>;
  textareaRef?: RefObject<HTMLTextAreaElement | null>;
}) {
  const gutter = useRef<HTMLDivElement>(null);
  const lines = value.split('\n').length;
  return (
    <div className={`json-editor ${readOnly ? 'json-editor-ro' : ''}`}>
      <div className="json-gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <div key={i} className={errorLine === i + 1 ? 'gutter-error' : problemLines?.has(i + 1) ? 'gutter-problem' : undefined}>
            {i + 1}
          </div>
        ))}
      </div>
      <textarea
        ref={textareaRef}
        className="json-text"
        aria-label={label}
        value={value}
        readOnly={readOnly}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        wrap="off"
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
        onKeyDown={(e) => {
          // Tab indents (two spaces) instead of leaving the editor; Escape then Tab still moves focus on.
          if (e.key === 'Tab' && !e.shiftKey && !readOnly && !e.nativeEvent.isComposing) {
            const ta = e.currentTarget;
            if (ta.dataset.escaped === '1') {
              ta.dataset.escaped = '';
              return;
            }
            e.preventDefault();
            const { selectionStart: a, selectionEnd: b } = ta;
            const next = `${value.slice(0, a)}  ${value.slice(b)}`;
            onChange(next);
            requestAnimationFrame(() => ta.setSelectionRange(a + 2, a + 2));
          } else if (e.key === 'Escape') {
            e.currentTarget.dataset.escaped = '1';
          }
        }}
        data-testid="draft-editor"
      />
    </div>
  );
}
