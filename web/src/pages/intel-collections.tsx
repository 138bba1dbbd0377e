import { useState, type FormEvent } from 'react';
import type { Problem } from '../../../src/http/api-types.js';
import { api, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { CopyButton } from '../components/copy-button.js';
import { SelectField, TextArea, TextField, fieldErrors } from '../components/fields.js';
import { Card, DataState, Empty, PageHeader } from '../components/page.js';
import { Pill } from '../components/pills.js';
import { day } from '../format.js';
import { Link } from '../router.js';
import { abilities, useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { TLP_LEVELS, TLP_MEANING, TlpBadge } from '../intel/tlp.js';
import type { CollectionInput, IntelCollection, TlpLevel } from '../intel/types.js';

/** The TAXII collections the caller may read or write, with their URLs for TAXII clients; the secretariat creates new ones. */
export function IntelCollectionsPage() {
  const { me } = useSession();
  const { isAdmin } = abilities(me);
  const collections = useApi<{ items: IntelCollection[] }>('/api/v1/intel/collections');
  return (
    <>
      <PageHeader
        title="Collections"
        subtitle="TAXII 2.1 collections on this server. Point a TAXII client at a collection’s URL with your API token (HTTP Basic, token as password); TLP is enforced per object in every collection."
        actions={
          <a className="btn btn-sm" href="/taxii2/">
            TAXII discovery
          </a>
        }
      />
      <div className="stack">
        <DataState {...collections}>{(c) => <CollectionTable items={c.items} />}</DataState>
        {isAdmin && (
          <Card title="New collection (secretariat)" className="action-card">
            <CreateCollection onCreated={collections.reload} />
          </Card>
        )}
      </div>
    </>
  );
}

function CollectionTable({ items }: { items: IntelCollection[] }) {
  const origin = window.location.origin;
  return (
    <div className="table-wrap">
      <div className="table-caption">
        {items.length} collection{items.length === 1 ? '' : 's'} you may read or write
      </div>
      {items.length === 0 ? (
        <Empty>No collection is open to you. Signed-out visitors see only collections with public TLP:CLEAR reading.</Empty>
      ) : (
        <table className="table" aria-label="Collections">
          <thead>
            <tr>
              <th>Title</th>
              <th>Alias</th>
              <th>Default TLP</th>
              <th>Your access</th>
              <th>Public</th>
              <th>TAXII URL</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-testid="collection-row">
                <td className="cell-collection">
                  <Link to={`/intel?collection=${c.id}`} className="row-link cell-title">
                    {c.title}
                  </Link>
                  {c.description && <span className="cell-sub cell-wrap">{c.description}</span>}
                </td>
                <td className="mono nowrap">{c.alias ?? <span className="muted">—</span>}</td>
                <td className="nowrap" title={`Objects posted without a TLP marking get TLP:${c.default_tlp}`}>
                  <TlpBadge level={c.default_tlp} />
                </td>
                <td className="nowrap">
                  <span className="access">
                    <Pill tone={c.can_read ? 'green' : 'gray'}>{c.can_read ? '✓ read' : '✗ no read'}</Pill>
                    <Pill tone={c.can_write ? 'green' : 'gray'}>{c.can_write ? '✓ write' : '✗ no write'}</Pill>
                  </span>
                </td>
                <td className="nowrap">
                  {c.public_read ? (
                    <span title="Anyone, signed in or not, may read its TLP:CLEAR objects">TLP:CLEAR to anyone</span>
                  ) : (
                    <span className="muted">members only</span>
                  )}
                </td>
                <td className="cell-url">
                  <span className="url-row">
                    <span className="mono small url-text" title={origin + c.taxii_url}>
                      {c.taxii_url}
                    </span>
                    <CopyButton text={origin + c.taxii_url} label="Copy URL" />
                  </span>
                </td>
                <td className="tnum nowrap">{day(c.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function CreateCollection({ onCreated }: { onCreated: () => void }) {
  const [title, setTitle] = useState('');
  const [alias, setAlias] = useState('');
  const [description, setDescription] = useState('');
  const [tlp, setTlp] = useState<TlpLevel>('AMBER');
  const [publicRead, setPublicRead] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<IntelCollection | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setCreated(null);
    const body: CollectionInput = {
      title: title.trim(),
      alias: alias.trim() || null,
      description: description.trim() || null,
      default_tlp: tlp,
      public_read: publicRead,
    };
    try {
      const c = await api<IntelCollection>('/api/v1/intel/collections', { method: 'POST', body });
      setCreated(c);
      setTitle('');
      setAlias('');
      setDescription('');
      setPublicRead(false);
      onCreated();
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(problem?.errors);
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-label="New collection">
      {problem && <ProblemAlert problem={problem} />}
      {created && (
        <Alert kind="success" title="Collection created">
          {created.title} is at <code>{`/taxii2/${created.api_root}/collections/${created.id}/`}</code>.
        </Alert>
      )}
      <div className="form-grid">
        <TextField label="Title" name="title" required value={title} onChange={setTitle} maxLength={200} error={errors.title} />
        <TextField
          label="Alias"
          name="alias"
          value={alias}
          onChange={setAlias}
          mono
          maxLength={40}
          error={errors.alias}
          placeholder="incident-exchange"
          hint="Lower-case letters, digits and hyphens; TAXII clients may use it instead of the id."
        />
        <SelectField
          label="Default TLP"
          name="default_tlp"
          required
          value={tlp}
          onChange={(v) => setTlp(v as TlpLevel)}
          options={TLP_LEVELS.map((l) => ({ value: l, label: `TLP:${l}` }))}
          error={errors.default_tlp}
          hint={`For objects posted without a TLP marking. ${TLP_MEANING[tlp]}`}
        />
        <label className="check">
          <input type="checkbox" checked={publicRead} onChange={(e) => setPublicRead(e.target.checked)} />
          <span>
            <span className="check-title">Public read</span>
            <span className="check-desc">Anyone, signed in or not, may read its TLP:CLEAR objects. Other levels stay restricted.</span>
          </span>
        </label>
        <div className="span-2">
          <TextArea label="Description" name="description" rows={2} value={description} onChange={setDescription} maxLength={4000} error={errors.description} />
        </div>
      </div>
      <p className="small muted">Every member organisation may read a new collection; every role but viewer may write to it.</p>
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={busy || !title.trim()}>
          {busy ? 'Creating…' : 'Create collection'}
        </button>
      </div>
    </form>
  );
}
