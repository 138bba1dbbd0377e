import { useId, useState, type ReactNode } from 'react';
import { DropZone } from '../components/drop-zone.js';
import { formatBytes } from '../verify/file-hash.js';

/** What the user gave: a file's bytes (never read as text here) or pasted text. */
export interface Source {
  name: string;
  size: number;
  blob: Blob;
  pasted: boolean;
}

interface Props {
  /** "SBOM", "log": used in labels ("SBOM file", "How to give the log"). */
  noun: string;
  /** The drop zone's title ("Drop an SBOM here"). */
  dropTitle: string;
  accept?: string;
  maxBytes: number;
  pasteLabel: string;
  pastePlaceholder: string;
  pasteHint?: ReactNode;
  dropHint: ReactNode;
  /** The button that sends pasted text ("Check these packages"). */
  submitLabel: string;
  busy: boolean;
  /** Called with a chosen file at once (no extra click), or with the pasted text on submit. */
  onSource: (s: Source) => void;
  onRefuse: (message: string) => void;
  /** Shown under the input: the chosen file, its size and actions. */
  current?: Source | null;
}

/** A file drop zone with a picker, or a paste box: the two ways to give the checks their input. */
export function SourcePicker(props: Props) {
  const { noun, maxBytes, busy, onSource, onRefuse } = props;
  const id = useId();
  const [mode, setMode] = useState<'file' | 'paste'>('file');
  const [text, setText] = useState('');

  const take = (f: File) => {
    if (f.size > maxBytes) return onRefuse(`${f.name} is ${formatBytes(f.size)}; the limit is ${formatBytes(maxBytes)}.`);
    if (f.size === 0) return onRefuse(`${f.name} is empty.`);
    onSource({ name: f.name, size: f.size, blob: f, pasted: false });
  };
  const submitPaste = () => {
    const blob = new Blob([text], { type: 'text/plain' });
    if (blob.size > maxBytes) return onRefuse(`The pasted text is ${formatBytes(blob.size)}; the limit is ${formatBytes(maxBytes)}.`);
    onSource({ name: `pasted-${noun.toLowerCase()}.txt`, size: blob.size, blob, pasted: true });
  };

  return (
    <div className="stack source-picker">
      <div className="seg-tabs" role="tablist" aria-label={`How to give the ${noun}`}>
        <button type="button" role="tab" aria-selected={mode === 'file'} className={`seg-tab ${mode === 'file' ? 'seg-tab-on' : ''}`} onClick={() => setMode('file')}>
          Upload a file
        </button>
        <button type="button" role="tab" aria-selected={mode === 'paste'} className={`seg-tab ${mode === 'paste' ? 'seg-tab-on' : ''}`} onClick={() => setMode('paste')}>
          Paste text
        </button>
      </div>
      {mode === 'file' ? (
        <DropZone onFile={take} busy={busy} title={props.dropTitle} accept={props.accept} inputLabel={`${noun} file`} hint={props.dropHint} />
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            submitPaste();
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-paste`} className="field-label">
              {props.pasteLabel}
            </label>
            <textarea
              id={`${id}-paste`}
              className="input textarea mono paste-input"
              rows={8}
              spellCheck={false}
              value={text}
              placeholder={props.pastePlaceholder}
              onChange={(e) => setText(e.target.value)}
            />
            {props.pasteHint && <div className="field-hint">{props.pasteHint}</div>}
          </div>
          <div className="button-row">
            <button type="submit" className="btn btn-primary" disabled={busy || text.trim() === ''}>
              {busy ? 'Checking…' : props.submitLabel}
            </button>
          </div>
        </form>
      )}
      {props.current && !props.current.pasted && (
        <div className="file-facts" data-testid="source-facts">
          <div className="file-name">
            <span className="file-icon" aria-hidden="true">
              ▤
            </span>
            <strong className="mono">{props.current.name}</strong>
            <span className="muted small">{formatBytes(props.current.size)}</span>
          </div>
        </div>
      )}
    </div>
  );
}
