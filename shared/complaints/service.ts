/**
 * Complaints and the requests register (docs/rules.md §7; 2024 Regulations
 * on the Online Protection of Minors Arts. 7 and 34): a player files a complaint and reads the
 * answers; the personal-information requests the gateway answers (an export, an erasure, an identity
 * correction) enter the register by themselves with their outcome; each entry is due
 * `complaintDays` after it was received. The operators' side (their list, answers and refund
 * decisions, every read logged first) is shared/usecases/complaints.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { configuredGame, type Caller } from '#shared/caller';
import { beijingDate, beijingMidnight, formatBeijing } from '#shared/domain/beijingTime';
import { categoryOfRequest, dueAt, type ComplaintCategory, type RegisterKind, type RegisterOutcome } from '#shared/domain/complaints';
import { metric } from '#shared/log';
import { games as configuredGames, type Game } from '#shared/settings';
import { registerEntryId } from '#shared/storage/keys';
import type { RegisterEntry, RegisterRepository } from '#shared/complaints/repository';

export interface ComplaintDeps {
  repo: RegisterRepository;
  /** Days within which an entry is answered (COMPLAINT_DAYS, at most 15). */
  complaintDays: number;
  /** The configured games (a complaint may name one); unset: GAMES as `games()` parses it. */
  games?: ReadonlyArray<Pick<Game, 'gameId'>>;
}

/** A fresh entry id at `nowMs`. */
export const newEntryId = (nowMs: number): string => registerEntryId(nowMs, randomBytes(8).toString('hex'));

/**
 * The id of a request that is answered as it is made and counts once a Beijing day per account (an
 * export, an erasure): asked again the same day, it finds the entry already there instead of filing
 * another. Derived from the request, the account and the day; it sorts at the day's start.
 */
export const dailyEntryId = (kind: RegisterKind, accountId: string, nowMs: number): string => {
  const day = beijingDate(nowMs);
  return registerEntryId(beijingMidnight(day), createHash('sha256').update(`${kind}\n${accountId}\n${day}`).digest('hex').slice(0, 16));
};

const instantOrNull = (ms: number | undefined): string | null => (ms === undefined ? null : formatBeijing(ms));

/** An entry as the player who filed it reads it (GET /v1/me/complaints). */
export const entryView = (e: RegisterEntry) => ({
  complaintId: e.complaintId,
  kind: e.kind,
  category: e.category,
  status: e.status,
  receivedAt: formatBeijing(e.receivedAt),
  dueAt: formatBeijing(e.dueAt),
  answeredAt: instantOrNull(e.answeredAt),
  outcome: e.outcome ?? null,
  answer: e.answer ?? null,
});

/** POST /v1/complaints: filed, open, due `complaintDays` later. A named game must be a configured one (403 unknown_game). */
export async function fileComplaint(
  deps: ComplaintDeps,
  caller: Caller,
  complaint: { category: ComplaintCategory; text: string; orderId?: string | undefined; gameId?: string | undefined },
  nowMs: number,
) {
  const gameId = complaint.gameId === undefined ? caller.gameId : configuredGame(complaint.gameId, deps.games ?? configuredGames());
  const entry: RegisterEntry = {
    complaintId: newEntryId(nowMs),
    accountId: caller.accountId,
    kind: 'complaint',
    category: complaint.category,
    gameId,
    ...(complaint.orderId !== undefined ? { orderId: complaint.orderId } : {}),
    text: complaint.text,
    receivedAt: nowMs,
    dueAt: dueAt(nowMs, deps.complaintDays),
    status: 'open',
  };
  await deps.repo.file(entry);
  metric('ComplaintReceived', 1, { category: complaint.category });
  return { complaintId: entry.complaintId, status: 'open' as const, receivedAt: formatBeijing(entry.receivedAt), dueAt: formatBeijing(entry.dueAt) };
}

/** GET /v1/me/complaints: this account's complaints and requests with their answers, newest first (at most 200). */
export async function myComplaints(deps: Pick<ComplaintDeps, 'repo'>, accountId: string) {
  return { complaints: (await deps.repo.ofAccount(accountId)).sort((a, b) => b.receivedAt - a.receivedAt).map(entryView) };
}

/**
 * A personal-information request answered as it was made (an export, an erasure, a correction that
 * applied at once or changed nothing): it enters the register answered, with its outcome. An export
 * or an erasure counts once a Beijing day per account (`dailyEntryId`). `listed: false` for an entry
 * whose account is being erased (nobody is left to list it). Returns the entry's id.
 */
export async function recordRequest(
  deps: ComplaintDeps,
  r: {
    accountId: string;
    kind: Exclude<RegisterKind, 'complaint' | 'refund'>;
    outcome: Exclude<RegisterOutcome, 'withdrawn'>;
    answer: string;
    gameId?: string | undefined;
    listed?: boolean;
  },
  nowMs: number,
): Promise<string> {
  const complaintId = r.kind === 'correction' ? newEntryId(nowMs) : dailyEntryId(r.kind, r.accountId, nowMs);
  await deps.repo.file(
    {
      complaintId,
      accountId: r.accountId,
      kind: r.kind,
      category: categoryOfRequest(r.kind),
      ...(r.gameId !== undefined ? { gameId: r.gameId } : {}),
      receivedAt: nowMs,
      dueAt: dueAt(nowMs, deps.complaintDays),
      status: 'answered',
      answeredAt: nowMs,
      outcome: r.outcome,
      answer: r.answer,
      answeredBy: 'gateway',
    },
    { listed: r.listed !== false },
  );
  return complaintId;
}

/** A personal-information request that waits for an operator (a looser identity correction): open, due `complaintDays` later. */
export async function openRequest(
  deps: ComplaintDeps,
  r: { accountId: string; kind: 'correction'; gameId?: string | undefined },
  nowMs: number,
): Promise<string> {
  const complaintId = newEntryId(nowMs);
  await deps.repo.file({
    complaintId,
    accountId: r.accountId,
    kind: r.kind,
    category: categoryOfRequest(r.kind),
    ...(r.gameId !== undefined ? { gameId: r.gameId } : {}),
    receivedAt: nowMs,
    dueAt: dueAt(nowMs, deps.complaintDays),
    status: 'open',
  });
  return complaintId;
}

/**
 * The scheduled count of open entries past their due date: the metric `ComplaintsOverdue`, emitted
 * on every run (0 too), which an alarm watches (infra/stack/observability.ts).
 */
export async function watchOverdue(
  deps: Pick<ComplaintDeps, 'repo'>,
  nowMs: number,
  outOfTime: () => boolean = () => false,
): Promise<{ overdue: number; complete: boolean }> {
  const counted = await deps.repo.countOverdue(nowMs, outOfTime);
  metric('ComplaintsOverdue', counted.overdue);
  return counted;
}
