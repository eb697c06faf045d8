/**
 * Complaints and the requests register (2024 Regulations on the Online Protection of Minors Art. 7:
 * a published complaint channel, complaints accepted and handled promptly; Art. 34: requests to read,
 * copy, correct or delete a minor's personal information handled promptly, a refusal given with its
 * reasons; 2019 Children's PI Regulations Art. 10 item (5)). Pure: the categories, the kinds of entry,
 * the due date and whether an answer came in time.
 *
 * One register holds them all: complaints a player files (POST /v1/complaints), the personal-
 * information requests that enter it by themselves with their outcome (an export, an erasure, an
 * identity correction), and a guardian's refund requests. Each is due `complaintDays` after it was
 * received (15, or fewer where the publisher promises fewer: docs/rules.md says why 15).
 */
import { DAY_MS } from '#shared/domain/beijingTime';

export const COMPLAINT_CATEGORIES = ['real_name', 'play_time', 'payment', 'personal_information', 'account_sharing', 'other'] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** What an entry of the register is: a complaint, a personal-information request, or a guardian's refund request. */
export const REGISTER_KINDS = ['complaint', 'export', 'erasure', 'correction', 'refund'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];

/**
 * How an entry was closed: resolved or refused (a refusal always with its reasons in the answer), or
 * withdrawn — an open entry whose account was erased: nobody is left to answer, and its text is gone.
 */
export type RegisterOutcome = 'resolved' | 'refused' | 'withdrawn';

/** The longest a complaint waits for its answer (days); a publisher may promise fewer, never more. */
export const MAX_COMPLAINT_DAYS = 15;

/** The longest text of a complaint, an answer, a refund request's reason or a decision's note. */
export const MAX_TEXT_LENGTH = 2000;

/** When an entry received at `receivedAt` must be answered. */
export const dueAt = (receivedAt: number, complaintDays: number): number => receivedAt + complaintDays * DAY_MS;

/** Whether an entry was (or, still open at `nowMs`, can still be) answered by its due date. */
export const answeredInTime = (e: { dueAt: number; answeredAt?: number | undefined }, nowMs: number): boolean => (e.answeredAt ?? nowMs) <= e.dueAt;

/** The category a request kind is filed under (a complaint names its own): refunds under payment, the rest are personal-information requests. */
export const categoryOfRequest = (kind: Exclude<RegisterKind, 'complaint'>): ComplaintCategory => (kind === 'refund' ? 'payment' : 'personal_information');
