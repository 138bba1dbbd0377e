/**
 * Compile-time only (no tests run here): the web console reads the API through
 * src/http/api-types.ts, whose envelopes are written out by hand so that no
 * server module reaches the browser build. This file fails `npm run typecheck`
 * when a service's response shape drifts from what the console expects.
 */
import type * as Api from '../../src/http/api-types.js';
import type { ApplicationView, Decision } from '../../src/registry/application-service.js';
import type { InvitationInfo, TokenInfo } from '../../src/registry/member-service.js';
import type { SignatoryView } from '../../src/registry/org-service.js';
import type { ProgressSummary } from '../../src/registry/progress.js';
import type { Problem } from '../../src/http/error-handler.js';
import type { ReleaseRecord } from '../../src/release/release-record.js';
import type { CaseSummary } from '../../src/disclosure/service.js';
import type { AdvisoryView, RenderProblem } from '../../src/disclosure/advisories.js';

type Assert<T extends true> = T;
/** What the server sends can be read as what the client declares. */
type Fits<Server, Client> = [Server] extends [Client] ? true : false;
/** …and the other way round, for shapes that must match exactly. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export type ApiTypeChecks = [
  Assert<Same<ApplicationView, Api.ApplicationView>>,
  Assert<Same<Decision, Api.Decision>>,
  Assert<Same<SignatoryView, Api.SignatoryView>>,
  Assert<Same<ProgressSummary, Api.ProgressSummary>>,
  Assert<Same<TokenInfo, Api.TokenInfo>>,
  Assert<Same<InvitationInfo, Api.InvitationInfo>>,
  Assert<Fits<Problem, Api.Problem>>,
  Assert<Same<ReleaseRecord, Api.ReleaseRecord>>,
  Assert<Same<CaseSummary, Api.CaseSummary>>,
  Assert<Same<AdvisoryView, Api.CaseAdvisory>>,
  Assert<Same<RenderProblem, Api.RenderProblem>>,
];
