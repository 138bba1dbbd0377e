import { Fragment, useMemo, useState, type FormEvent } from 'react';
import type { Problem } from '../../../src/http/api-types.js';
import { api, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { TextArea, TextField, fieldErrors } from '../components/fields.js';
import { Card, DataState, Empty, PageHeader } from '../components/page.js';
import { Pill } from '../components/pills.js';
import { RequireSignIn } from '../components/require-sign-in.js';
import { day } from '../format.js';
import { OrgName } from '../ledger/entry-summary.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { useOrgNames, type OrgRef } from '../use-org-names.js';
import { MultiSelect, type Option } from '../intel/multi-select.js';
import type { SharingGroup, SharingGroupInput } from '../intel/types.js';

/** Sharing groups: named sets of organisations that an AMBER or RED object can share with at once. */
export function IntelGroupsPage() {
  return (
    <>
      <PageHeader
        title="Sharing groups"
        subtitle={
          <>
            An AMBER or RED object can name a group (<code>group:&lt;slug&gt;</code>) instead of listing organisations. Changing a group’s members
            changes at once who can read the objects that name it.
          </>
        }
      />
      <RequireSignIn why="Sharing groups are visible to signed-in members only.">
        <Groups />
      </RequireSignIn>
    </>
  );
}

function useOrgOptions(names: Map<string, OrgRef>): Option[] {
  return useMemo(
    () =>
      [...names.values()]
        .filter((o, i, all) => all.findIndex((x) => x.slug === o.slug) === i)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((o) => ({ value: o.slug, label: o.name, hint: o.slug })),
    [names],
  );
}

function Groups() {
  const { me } = useSession();
  const { names } = useOrgNames();
  const groups = useApi<{ items: SharingGroup[] }>('/api/v1/intel/groups');
  const canManage = me !== null && (me.user.role === 'org-admin' || me.user.role === 'admin');
  return (
    <div className={canManage ? 'layout-aside wide-aside' : undefined}>
      <div className="layout-main">
        <DataState {...groups}>{(g) => <GroupTable items={g.items} names={names} reload={groups.reload} canManage={canManage} />}</DataState>
      </div>
      {canManage && me && (
        <div className="layout-side">
          <Card title="New sharing group" className="action-card">
            <CreateGroup names={names} onCreated={groups.reload} ownerName={me.org.name} />
          </Card>
        </div>
      )}
    </div>
  );
}

function GroupTable({ items, names, reload, canManage }: { items: SharingGroup[]; names: Map<string, OrgRef>; reload: () => void; canManage: boolean }) {
  const { me } = useSession();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <div className="table-wrap">
      <div className="table-caption">
        {items.length} sharing group{items.length === 1 ? '' : 's'}
      </div>
      {items.length === 0 ? (
        <Empty>No sharing groups yet.{canManage ? ' Create one for the organisations you share AMBER intel with most.' : ''}</Empty>
      ) : (
        <table className="table groups-table" aria-label="Sharing groups">
          <thead>
            <tr>
              <th>Slug</th>
              <th>Name</th>
              <th>Owner</th>
              <th>Members</th>
              <th>Updated</th>
              {canManage && (
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {items.map((g) => {
              const owned = canManage && me !== null && g.owner_org_id === me.org.id;
              return (
                <Fragment key={g.id}>
                  <tr data-testid="group-row" data-slug={g.slug}>
                    <td className="mono nowrap">{g.slug}</td>
                    <td className="cell-group-name">
                      <span className="cell-title">{g.name}</span>
                      {g.description && <span className="cell-sub cell-wrap">{g.description}</span>}
                    </td>
                    <td className="nowrap cell-owner">
                      <OrgName id={g.owner_org_id} names={names} />
                      {me && g.owner_org_id === me.org.id && (
                        <Pill tone="blue" title="Your organisation owns this group">
                          yours
                        </Pill>
                      )}
                    </td>
                    <td className="cell-members">
                      <div className="member-list" data-testid="group-members">
                        {g.member_org_ids.length === 0 && <span className="muted">none</span>}
                        {g.member_org_ids.map((id) => (
                          <span key={id} className="member">
                            <OrgName id={id} names={names} />
                          </span>
                        ))}
                      </div>
                      <span className="cell-sub">
                        {g.member_org_ids.length} organisation{g.member_org_ids.length === 1 ? '' : 's'}
                      </span>
                    </td>
                    <td className="tnum nowrap">{day(g.updated_at)}</td>
                    {canManage && (
                      <td className="nowrap cell-actions">
                        {owned ? (
                          <button type="button" className="btn btn-sm" aria-expanded={editing === g.id} onClick={() => setEditing(editing === g.id ? null : g.id)}>
                            {editing === g.id ? 'Close' : 'Edit'}
                          </button>
                        ) : (
                          <span className="muted small">owned by another organisation</span>
                        )}
                      </td>
                    )}
                  </tr>
                  {owned && editing === g.id && (
                    <tr className="row-editor">
                      <td colSpan={6}>
                        <EditGroup
                          group={g}
                          names={names}
                          onDone={() => {
                            setEditing(null);
                            reload();
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

function memberSlugs(ids: readonly string[], names: Map<string, OrgRef>): string[] {
  return ids.map((id) => names.get(id)?.slug).filter((s): s is string => s !== undefined);
}

function EditGroup({ group, names, onDone }: { group: SharingGroup; names: Map<string, OrgRef>; onDone: () => void }) {
  const options = useOrgOptions(names);
  const [name, setName] = useState(group.name);
  const [members, setMembers] = useState<string[]>(() => memberSlugs(group.member_org_ids, names));
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const unknown = group.member_org_ids.length - memberSlugs(group.member_org_ids, names).length;

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    try {
      await fn();
      onDone();
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    void act(() => api(`/api/v1/intel/groups/${encodeURIComponent(group.slug)}`, { method: 'PATCH', body: { name: name.trim(), members } }));
  };
  const errors = fieldErrors(problem?.errors);
  return (
    <form className="group-editor" onSubmit={save} noValidate aria-label={`Edit ${group.slug}`}>
      {problem && <ProblemAlert problem={problem} fieldErrors />}
      <div className="group-editor-grid">
        <TextField label="Name" name="name" required value={name} onChange={setName} maxLength={200} error={errors.name} />
        <div className="field">
          <span className="field-label">Members</span>
          <MultiSelect label="Members" anyLabel="No members" options={options} selected={members} onChange={setMembers} searchable wide />
          <SelectedOrgs slugs={members} options={options} onRemove={(s) => setMembers(members.filter((m) => m !== s))} />
          {unknown > 0 && <div className="field-hint">{unknown} member organisation(s) are not in the directory you can see; saving keeps only those listed.</div>}
          {errors.members && <div className="field-error">{errors.members}</div>}
        </div>
      </div>
      <div className="button-row">
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy || !name.trim()}>
          Save changes
        </button>
        <span className="spacer" />
        {confirmDelete ? (
          <>
            <span className="small text-red">Objects naming group:{group.slug} will no longer reach its members.</span>
            <button type="button" className="btn btn-danger btn-sm" disabled={busy} onClick={() => void act(() => api(`/api/v1/intel/groups/${encodeURIComponent(group.slug)}`, { method: 'DELETE' }))}>
              Delete {group.slug}
            </button>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-danger-outline btn-sm" onClick={() => setConfirmDelete(true)}>
            Delete group…
          </button>
        )}
      </div>
    </form>
  );
}

function SelectedOrgs({ slugs, options, onRemove }: { slugs: string[]; options: Option[]; onRemove: (slug: string) => void }) {
  if (slugs.length === 0) return null;
  const label = new Map(options.map((o) => [o.value, o.label]));
  return (
    <div className="chip-list" aria-label="Selected members">
      {slugs.map((s) => (
        <span key={s} className="chip">
          {label.get(s) ?? s}
          <button type="button" className="chip-remove" aria-label={`Remove ${label.get(s) ?? s}`} onClick={() => onRemove(s)}>
            ×
          </button>
        </span>
      ))}
    </div>
  );
}

function CreateGroup({ names, onCreated, ownerName }: { names: Map<string, OrgRef>; onCreated: () => void; ownerName: string }) {
  const options = useOrgOptions(names);
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<SharingGroup | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setCreated(null);
    const body: SharingGroupInput = { slug: slug.trim(), name: name.trim(), description: description.trim() || null, members };
    try {
      setCreated(await api<SharingGroup>('/api/v1/intel/groups', { method: 'POST', body }));
      setSlug('');
      setName('');
      setDescription('');
      setMembers([]);
      onCreated();
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(problem?.errors);
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-label="New sharing group">
      {problem && <ProblemAlert problem={problem} fieldErrors />}
      {created && (
        <Alert kind="success" title="Group created">
          Share with it by naming <code>group:{created.slug}</code> on an AMBER or RED object.
        </Alert>
      )}
      <TextField
        label="Slug"
        name="slug"
        required
        mono
        value={slug}
        onChange={setSlug}
        maxLength={40}
        placeholder="cloud-isac"
        error={errors.slug}
        hint="2–40 lower-case letters, digits and hyphens; what objects name."
      />
      <TextField label="Name" name="name" required value={name} onChange={setName} maxLength={200} error={errors.name} />
      <div className={`field ${errors.members ? 'field-invalid' : ''}`}>
        <span className="field-label" id="new-group-members">
          Members<span className="field-optional">optional</span>
        </span>
        <MultiSelect label="Members" anyLabel="Choose organisations…" options={options} selected={members} onChange={setMembers} searchable wide />
        <SelectedOrgs slugs={members} options={options} onRemove={(s) => setMembers(members.filter((m) => m !== s))} />
        {errors.members && <div className="field-error">{errors.members}</div>}
        <div className="field-hint">Owned by {ownerName}: only its org-admins may change or delete the group.</div>
      </div>
      <TextArea label="Description" name="description" rows={2} value={description} onChange={setDescription} maxLength={4000} error={errors.description} />
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={busy || !slug.trim() || !name.trim()}>
          {busy ? 'Creating…' : 'Create group'}
        </button>
      </div>
    </form>
  );
}
