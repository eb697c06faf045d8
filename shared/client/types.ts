/**
 * The client's request and response types, taken from the zod schemas that validate requests
 * (shared/api/schemas.ts) and that the OpenAPI document describes responses with
 * (shared/api/responses.ts), and the problem codes with their extension
 * members from the catalogue (shared/problem.ts). Type-only imports: nothing of zod or of the
 * catalogue reaches the client's runtime bundle (test/unit/clientSize.test.ts checks the bundle).
 */
import type * as z from 'zod';
import type * as r from '#shared/api/responses';
import type * as s from '#shared/api/schemas';
import type { PROBLEMS, ProblemCode, ProblemExtensions } from '#shared/problem';

export type { ProblemCode, ProblemExtensions };

export type IdentitySubmission = z.input<typeof s.IdentitySubmission>;
export type IdentitySubmitted = z.output<typeof r.IdentitySubmitted>;
export type IdentityView = z.output<typeof r.IdentityView>;
export type Games = z.output<typeof r.Games>;
export type Game = Games['games'][number];
export type SessionStart = z.input<typeof s.SessionStart>;
export type HeartbeatAnswer = z.output<typeof r.HeartbeatAnswer>;
export type PaymentReservation = z.input<typeof s.PaymentReservation>;
export type PaymentReserved = z.output<typeof r.PaymentReserved>;
export type PaymentState = z.output<typeof r.PaymentState>;
export type ChallengeResult = z.input<typeof s.ChallengeResult>;
export type ChallengeState = z.output<typeof r.ChallengeState>;

/** With the game's age-appropriateness label, `ageRating` and `belowRating` (2024 Regulations on the Online Protection of Minors, Art. 47). */
export type SessionStarted = z.output<typeof r.SessionStarted>;
export type Limits = z.output<typeof r.Limits>;
/** GET /v1/me/data and DELETE /v1/me (the player's personal-information rights). */
export type MyData = z.output<typeof r.MyData>;
export type Erasure = z.output<typeof r.Erasure>;

/** The HTTP status the catalogue gives a code. */
export type ProblemStatus<C extends ProblemCode> = (typeof PROBLEMS)[C]['status'];

/** Why the server ended a session (HeartbeatAnswer `reason`). */
export type EndReason = NonNullable<HeartbeatAnswer['reason']>;
