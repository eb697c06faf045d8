/**
 * The request and response types, named. They come from the gateway's OpenAPI document and its
 * problem catalogue (generated/, written by the repository's `npm run clients:generate`), so they are
 * what the gateway validates and answers; the repository's test/unit/clientTypes.test.ts holds them
 * to the services' own types both ways. Types only: nothing here reaches the JavaScript.
 */
import type { components, paths } from './generated/api.js';
import type { ProblemCode, ProblemStatuses } from './generated/problems.js';

export type { ProblemCode, ProblemStatuses };

type Schemas = components['schemas'];
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** A real-name submission; `guardianConsent` is the under-14 consent when the deployment's policy is `attested`. */
export type IdentitySubmission = Body<'/v1/identity', 'post'>;
/** The guardian's consent to a privacy policy version (2019 Children's PI Regulations Arts. 9–10). */
export type GuardianConsent = NonNullable<IdentitySubmission['guardianConsent']>;
/** Where the under-14 consent stands: needed, given, the version in force and who records it. */
export type ConsentStatus = Schemas['ConsentStatus'];
export type IdentitySubmitted = Schemas['IdentitySubmitted'];
export type IdentityCorrection = Body<'/v1/identity/correction', 'post'>;
export type IdentityView = Schemas['IdentityView'];
export type IdentityCorrected = Schemas['IdentityCorrected'];
export type Games = Schemas['Games'];
export type Game = Games['games'][number];
export type SessionStart = Body<'/v1/sessions', 'post'>;
/** With the game's age-appropriateness label, `ageRating` and `belowRating` (2024 Regulations on the Online Protection of Minors, Art. 47). */
export type SessionStarted = Schemas['SessionStarted'];
export type HeartbeatAnswer = Schemas['HeartbeatAnswer'];
export type Limits = Schemas['Limits'];
export type PaymentReservation = Body<'/v1/payments', 'post'>;
export type PaymentReserved = Schemas['PaymentReserved'];
export type PaymentState = Schemas['PaymentState'];
export type ChallengeResult = Body<'/v1/challenges/{challengeId}/result', 'post'>;
export type ChallengeState = Schemas['ChallengeState'];
/** GET /v1/me/data and DELETE /v1/me (the player's personal-information rights). */
export type MyData = Schemas['MyData'];
export type Erasure = Schemas['Erasure'];
export type WardRequest = Body<'/v1/guardian/wards', 'post'>;
export type WardLink = Schemas['WardLink'];
export type Wards = Schemas['Wards'];
export type ControlsPatch = Body<'/v1/guardian/wards/{wardId}/controls', 'put'>;
export type GuardianControls = Schemas['GuardianControls'];
export type Activity = Schemas['Activity'];
export type WardData = Schemas['WardData'];
export type Approvals = Schemas['Approvals'];
export type ApprovalDecision = Body<'/v1/guardian/approvals/{approvalId}', 'post'>;
export type ApprovalDecided = Schemas['ApprovalDecided'];
export type LinkConfirmed = Schemas['LinkConfirmed'];
export type MyGuardians = Schemas['MyGuardians'];
/** GET /v1/me/accounts: every account bound to this player's identity, the earliest first. */
export type MyAccounts = Schemas['PersonAccounts'];
/** POST /v1/complaints (投诉与反馈): answered by its due date. */
export type ComplaintSubmission = Body<'/v1/complaints', 'post'>;
export type ComplaintCategory = ComplaintSubmission['category'];
export type ComplaintReceived = Schemas['ComplaintReceived'];
/** One complaint or personal-information request of this account, with its answer. */
export type ComplaintEntry = Schemas['ComplaintEntry'];
export type MyComplaints = Schemas['MyComplaints'];
/** POST /v1/guardian/wards/{wardId}/refund-requests (a confirmed guardian). */
export type RefundRequest = Body<'/v1/guardian/wards/{wardId}/refund-requests', 'post'>;
export type RefundRequested = Schemas['RefundRequested'];
/** POST /v1/guardian/wards/{wardId}/consent (policy `consent: "guardian"`, or any). */
export type WardConsent = Schemas['WardConsent'];

/** Why the server ended a session (HeartbeatAnswer `reason`). */
export type EndReason = NonNullable<HeartbeatAnswer['reason']>;

type Pascal<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Capitalize<Head>}${Pascal<Tail>}` : Capitalize<S>;
type Standard = 'type' | 'title' | 'status' | 'detail' | 'code';
/** A problem component's own members: the standard ones and the open index signature left out. */
type Extension<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K extends Standard ? never : K]: T[K] };

/** Every code's extension members (RFC 9457 §3.2) as the OpenAPI document declares them: `{}` for a code without any. */
export type ProblemExtensions = {
  [C in ProblemCode]: `${Pascal<C>}Problem` extends keyof Schemas ? Extension<Schemas[`${Pascal<C>}Problem`]> : Record<never, never>;
};

/** The HTTP status the catalogue gives a code. */
export type ProblemStatus<C extends ProblemCode> = ProblemStatuses[C];
