import { useState, type FormEvent } from 'react';
import type { Problem } from '../../../src/http/api-types.js';
import { api, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { SelectField, TextArea, fieldErrors } from '../components/fields.js';
import { Link, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { TLP_LEVELS, TLP_MEANING } from './tlp.js';
import type { IntelStatus, SightingInput, TlpLevel } from './types.js';

/** `2026-03-10T14:05` from a datetime-local input, read as UTC (the console shows every time in UTC). */
function utcIso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(`${local}:00Z`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** "We saw this too": records a STIX sighting of the object for the user's organisation. */
export function SightingForm({ objectId, onRecorded }: { objectId: string; onRecorded: () => void }) {
  const { me } = useSession();
  const { pathname } = useLocation();
  const [count, setCount] = useState('1');
  const [firstSeen, setFirstSeen] = useState('');
  const [lastSeen, setLastSeen] = useState('');
  const [tlp, setTlp] = useState<TlpLevel>('AMBER');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (!me) {
    return (
      <p className="small muted">
        <Link to={`/sign-in?next=${encodeURIComponent(pathname)}`}>Sign in</Link> to record that your organisation saw this.
      </p>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setDone(null);
    const n = count.trim() === '' ? undefined : Number(count);
    const body: SightingInput = {
      ...(n !== undefined ? { count: n } : {}),
      ...(utcIso(firstSeen) ? { first_seen: utcIso(firstSeen) } : {}),
      ...(utcIso(lastSeen) ? { last_seen: utcIso(lastSeen) } : {}),
      ...(description.trim() ? { description: description.trim() } : {}),
      tlp,
    };
    try {
      await api<IntelStatus>(`/api/v1/intel/objects/${encodeURIComponent(objectId)}/sightings`, { method: 'POST', body });
      setDone(`Recorded for ${me.org.name} at TLP:${tlp}.`);
      setCount('1');
      setFirstSeen('');
      setLastSeen('');
      setDescription('');
      onRecorded();
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(problem?.errors);

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-label="Record a sighting">
      {problem && <ProblemAlert problem={problem} />}
      {done && (
        <Alert kind="success" title="Sighting recorded">
          {done}
        </Alert>
      )}
      <div className="form-grid sighting-grid">
        <div className={`field ${errors.count ? 'field-invalid' : ''}`}>
          <label htmlFor="sighting-count" className="field-label">
            Count<span className="field-optional">optional</span>
          </label>
          <input
            id="sighting-count"
            className="input tnum"
            type="number"
            min={0}
            max={999999999}
            inputMode="numeric"
            value={count}
            aria-invalid={errors.count ? true : undefined}
            onChange={(e) => setCount(e.target.value)}
          />
          {errors.count && <div className="field-error">{errors.count}</div>}
        </div>
        <SelectField
          label="TLP"
          name="tlp"
          required
          value={tlp}
          onChange={(v) => setTlp(v as TlpLevel)}
          options={TLP_LEVELS.map((l) => ({ value: l, label: `TLP:${l}` }))}
          error={errors.tlp}
        />
        <div className={`field ${errors.first_seen ? 'field-invalid' : ''}`}>
          <label htmlFor="sighting-first" className="field-label">
            First seen (UTC)<span className="field-optional">optional</span>
          </label>
          <input id="sighting-first" className="input" type="datetime-local" value={firstSeen} onChange={(e) => setFirstSeen(e.target.value)} />
          {errors.first_seen && <div className="field-error">{errors.first_seen}</div>}
        </div>
        <div className={`field ${errors.last_seen ? 'field-invalid' : ''}`}>
          <label htmlFor="sighting-last" className="field-label">
            Last seen (UTC)<span className="field-optional">optional</span>
          </label>
          <input id="sighting-last" className="input" type="datetime-local" value={lastSeen} min={firstSeen || undefined} onChange={(e) => setLastSeen(e.target.value)} />
          {errors.last_seen && <div className="field-error">{errors.last_seen}</div>}
        </div>
      </div>
      <p className="field-hint sighting-tlp-hint">
        TLP:{tlp} — {TLP_MEANING[tlp]}
        {(tlp === 'AMBER' || tlp === 'RED') && ' The sighting names the object’s author, so they see who saw it.'}
      </p>
      <TextArea label="Description" name="description" rows={3} value={description} onChange={setDescription} maxLength={4000} error={errors.description} placeholder="Where and how you saw it" />
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Recording…' : 'Record sighting'}
        </button>
        <span className="small muted">as {me.org.name}</span>
      </div>
    </form>
  );
}
