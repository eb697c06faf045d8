/**
 * The client's request and response types, taken from the zod schemas that validate requests and
 * generate the OpenAPI document (shared/api/schemas.ts), and the problem codes with their extension
 * members from the catalogue (shared/problem.ts). Type-only imports: nothing of zod or of the
 * catalogue reaches the client's runtime bundle (test/unit/clientSize.test.ts checks the bundle).
 */
import type * as z from 'zod';
import type * as s from '#shared/api/schemas';
import type { PROBLEMS, ProblemCode, ProblemExtensions } from '#shared/problem';

export type { ProblemCode, ProblemExtensions };

export type IdentitySubmission = z.input<typeof s.IdentitySubmission>;
export type IdentitySubmitted = z.output<typeof s.IdentitySubmitted>;
export type IdentityView = z.output<typeof s.IdentityView>;
export type Games = z.output<typeof s.Games>;
export type Game = Games['games'][number];
export type SessionStart = z.input<typeof s.SessionStart>;
export type HeartbeatAnswer = z.output<typeof s.HeartbeatAnswer>;
export type PaymentReservation = z.input<typeof s.PaymentReservation>;
export type PaymentReserved = z.output<typeof s.PaymentReserved>;
export type PaymentState = z.output<typeof s.PaymentState>;
export type ChallengeResult = z.input<typeof s.ChallengeResult>;
export type ChallengeState = z.output<typeof s.ChallengeState>;

/** With the game's age-appropriateness label, `ageRating` and `belowRating` (2024 Regulations on the Online Protection of Minors, Art. 47). */
export type SessionStarted = z.output<typeof s.SessionStarted>;
export type Limits = z.output<typeof s.Limits>;
/** GET /v1/me/data and DELETE /v1/me (the player's personal-information rights). */
export type MyData = z.output<typeof s.MyData>;
export type Erasure = z.output<typeof s.Erasure>;

/** The HTTP status the catalogue gives a code. */
export type ProblemStatus<C extends ProblemCode> = (typeof PROBLEMS)[C]['status'];

/** Why the server ended a session (HeartbeatAnswer `reason`). */
export type EndReason = NonNullable<HeartbeatAnswer['reason']>;
