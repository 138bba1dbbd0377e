import { randomUUID } from 'node:crypto';
import type { CaseNotice } from './disclosure/service.js';
import type { Clock } from './registry/clock.js';
import type { RegistryStore } from './registry/ports.js';
import type { NotifyStore } from './notify/ports.js';
import { enqueueEmail, publishEvent } from './notify/publish.js';

const SUBJECTS: Record<string, string> = {
  'case.reported': 'New vulnerability report',
  'participant.added': 'You were added to a coordinated disclosure case',
  'status.set': 'A vendor status changed',
  'fact.set': 'The case state changed',
  'embargo.proposed': 'An embargo was proposed',
  'embargo.active': 'The embargo is in force',
  'embargo.rejected': 'The embargo proposal was rejected',
  'embargo.exited': 'The embargo ended',
  'embargo.ended': 'The embargo ended',
  'embargo.reminder': 'The embargo ends soon',
  'message.posted': 'New message in the case thread',
  'attachment.added': 'New attachment in the case',
  'case.closed': 'The case was closed',
  'advisory.published': 'The advisory was published',
};

/** A PSIRT contact that is a plain e-mail address (or a mailto: URL). */
function contactAddress(contact: string | null): string | null {
  if (!contact) return null;
  const v = contact.startsWith('mailto:') ? contact.slice(7) : contact;
  return /^[^\s@<>:/]+@[^\s@<>:/]+\.[^\s@<>:/]+$/.test(v) ? v : null;
}

/**
 * Turns case notices into webhooks (to the participating organisations'
 * subscriptions) and e-mails (to outsiders, anonymous reporters with an
 * address, and each participating signatory's PSIRT contact). Messages name
 * the case and what happened, never its content: the details stay behind
 * sign-in or the case link. Enqueued after the change committed; failures
 * are logged, never thrown into the request.
 */
export function caseNoticeSink(o: { notify: NotifyStore; registry: RegistryStore; clock: Clock; publicUrl: string; log: { error(obj: object, msg: string): void }; kick(): void }) {
  return (n: CaseNotice): void => {
    void (async () => {
      const key = n.dedupe_key ?? `${n.case_id}:${n.kind}:${randomUUID()}`;
      const type = `case.${n.kind.replace(/^case\./, '')}`;
      const orgIds = [...new Set(n.to.flatMap((p) => (p.org_id ? [p.org_id] : [])))];
      await publishEvent(o.notify, o.clock, { type, org_ids: orgIds, payload: { case_id: n.case_id, case_number: n.case_number, event: n.kind }, dedupe_key: key });
      const subject = `[${n.case_number}] ${SUBJECTS[n.kind] ?? n.kind}`;
      for (const p of n.to) {
        let to: string | null = p.email;
        if (p.org_id) to = contactAddress((await o.registry.getOrg(p.org_id))?.psirt_contact ?? null);
        if (!to) continue;
        const link = n.link_secret && p.secret_hash !== null ? `${o.publicUrl}/cases/${n.case_id}#link=${n.link_secret}` : `${o.publicUrl}/cases/${n.case_id}`;
        const text = `${SUBJECTS[n.kind] ?? n.kind} in case ${n.case_number}.\n\nOpen the case: ${link}\n${n.link_secret && p.secret_hash !== null ? '\nThis link is your access to the case: keep it to yourself.\n' : ''}\nThe details stay in Accord; this message carries none of them.\n`;
        await enqueueEmail(o.notify, o.clock, { to: [to], subject, text, dedupe_key: `${key}:${p.id}` });
      }
      o.kick();
    })().catch((err: unknown) => o.log.error({ err, case_id: n.case_id, kind: n.kind }, 'enqueueing case notifications failed'));
  };
}
