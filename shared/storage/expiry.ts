/**
 * The TTL attribute (`expiresAt`, epoch seconds, shared/storage/tableDesign.ts) is a cleanup aid,
 * never the rule: every read decides from the item's own logical time (a reservation's
 * `reservationExpiresAt`, a challenge's `expiresAtMs`, a drainer lease's `until`, the second or day
 * in a key, …). DynamoDB deletes an expired item whenever its sweeper gets to it, so the TTL
 * value only has to be late enough that no item is deleted while something may still need it.
 *
 * Every write of `expiresAt` goes through `ttlAttribute`:
 *
 * - It lies TTL_MARGIN_SECONDS past the logical expiry. Work that happens after an item's logical
 *   end still needs the item: the reservation sweeper must find an expired order to give its
 *   amount back to the spend ledger, the challenge sweeper must find an unanswered challenge to
 *   apply the failure. Those jobs run every minute; a day covers a scheduler that was stopped for
 *   hours, and clock differences between the gateway and DynamoDB.
 * - It is never earlier than the REAL clock plus the margin. Locally the gateway runs on a virtual
 *   clock (`PUT /__dev/clock`, shared/clock.ts) while DynamoDB Local's TTL sweeper runs on real time:
 *   with the virtual clock months back, "logical expiry + retention" is already in the real past,
 *   and live items (reserved orders whose amounts the ledger still counts) would vanish. Deployed,
 *   the gateway clock is the real clock, so this floor changes nothing there.
 */

/** How long an item outlives its logical expiry before DynamoDB may delete it (see above). */
export const TTL_MARGIN_SECONDS = 86_400;

/**
 * The `expiresAt` value (epoch seconds) for an item whose logical life ends at `logicalExpiryMs`
 * (epoch ms on the gateway clock). `realNowMs` is the real clock, never the virtual one; tests pass it.
 */
export function ttlAttribute(logicalExpiryMs: number, realNowMs: number = Date.now()): number {
  return Math.ceil(Math.max(logicalExpiryMs, realNowMs) / 1000) + TTL_MARGIN_SECONDS;
}
