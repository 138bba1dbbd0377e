import { useId, useState, type DragEvent, type ReactNode } from 'react';

/**
 * A file drop area with a "Choose a file…" button: the one place the console
 * takes a file from the user (drag and drop or the file picker). Only the
 * first file counts; nothing is taken while `busy`.
 */
export function DropZone(props: {
  onFile: (f: File) => void;
  title: ReactNode;
  hint: ReactNode;
  /** The file input's accessible name. */
  inputLabel: string;
  buttonLabel?: string;
  accept?: string;
  busy?: boolean;
  icon?: string;
  testId?: string;
}) {
  const id = useId();
  const [over, setOver] = useState(false);
  const busy = props.busy ?? false;
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f && !busy) props.onFile(f);
  };
  return (
    <div
      className={`dropzone ${over ? 'dropzone-over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      data-testid={props.testId ?? 'dropzone'}
    >
      <div className="dropzone-icon" aria-hidden="true">
        {props.icon ?? '⇪'}
      </div>
      <div className="dropzone-title">{props.title}</div>
      <div className="dropzone-or muted small">or</div>
      <label htmlFor={id} className={`btn btn-sm ${busy ? 'btn-disabled' : ''}`}>
        {props.buttonLabel ?? 'Choose a file…'}
      </label>
      <input
        id={id}
        type="file"
        accept={props.accept}
        className="visually-hidden-input"
        aria-label={props.inputLabel}
        disabled={busy}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) props.onFile(f);
          e.target.value = '';
        }}
      />
      <div className="dropzone-hint muted small">{props.hint}</div>
    </div>
  );
}
