/**
 * The Friday evening the load test plays (`npm run load`): who plays which game, when each logs in,
 * pays, takes over its own session from another device, goes silent or logs out. Pure and seeded:
 * the same seed and size give the same evening, so two runs (before and after a change) compare.
 *
 * The evening is 2026-11-27, a Friday outside any holiday: minors may play 20:00–21:00 only.
 * - Adults (55 %): a quarter are already playing at 19:55, most arrive in the 20:00 burst
 *   (19:58–20:02), the rest later; 40 % log out before 21:05, the others at 21:05.
 * - Minors (45 %; three in four aged 8–15, one in four 16–17): every one logs in within the minute
 *   after 20:00 (15 % first try before 20:00 and are refused); a fifth log out early, the others
 *   play until the gateway ends play at 21:00 — their heartbeats all land on 20:45, 20:55 and 21:00.
 * - 3 % take their own session over from a second device mid-evening; 3 % go silent (no heartbeat,
 *   no logout) and are ended by the sweeper.
 * - Payments: 30 % of adults pay once; a quarter of the 8–15s pay twice within their limits; and
 *   8 % of minors have a second account of the same person, and both accounts try 4 × 50 CNY at the
 *   same instant against the person's 200 CNY a month — exactly four may pass.
 */

export const EVENING = '2026-11-27';
export const at = (hhmmss: string): number => Date.parse(`${EVENING}T${hhmmss}+08:00`);
export const START = at('19:55:00');
/** Every client still playing logs out here. */
export const END = at('21:05:00');
/** The clock runs on (with the scheduled jobs every minute) until silent sessions are swept and reported. */
export const SETTLE = at('21:30:00');

export const GAMES = [
  { gameId: 'g-main', bizId: '1101999001', name: '主游戏' },
  { gameId: 'g-side', bizId: '1101999002', name: '副游戏' },
] as const;

export type Band = 'adult' | 'minor8' | 'minor16';

export interface Player {
  /** Account id (the token's sub). */
  id: string;
  gameId: string;
  band: Band;
  /** The person: birth date and the index of its ID number. */
  birthDate: string;
  personIndex: number;
  /** When the client first tries to log in. */
  loginAt: number;
  /** When it logs out by itself (undefined: it plays until the end of play or the end of the evening). */
  logoutAt?: number;
  /** When it logs in again from a second device, taking its own session over. */
  takeoverAt?: number;
  /** When it stops sending anything (a crashed client). */
  silentAt?: number;
  /** Payments it makes (amount in fen, at). */
  payments: Array<{ at: number; amount: number }>;
  /** A second account of the same person, racing the first one's payments (minors only). */
  sibling?: string;
}

/** mulberry32: small, fast, seeded. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Evening {
  players: Player[];
  /** Race instants: all the racing payments of one person go at once. */
  races: Array<{ at: number; accounts: [string, string]; amount: number; each: number }>;
}

export function plan(size: number, seed = 20261127): Evening {
  const r = random(seed);
  const between = (from: number, to: number) => Math.floor(from + r() * (to - from));
  const players: Player[] = [];
  const races: Evening['races'] = [];
  for (let i = 0; i < size; i += 1) {
    const roll = r();
    const band: Band = roll < 0.55 ? 'adult' : roll < 0.55 + 0.45 * 0.75 ? 'minor8' : 'minor16';
    // Ages on 2026-11-27: adults 1970–2000; 8–15 born 2011–2017; 16–17 born 2009–2010.
    const year = band === 'adult' ? between(1970, 2001) : band === 'minor8' ? between(2011, 2018) : between(2009, 2011);
    const birthDate = `${year}-${String(between(1, 13)).padStart(2, '0')}-${String(between(1, 29)).padStart(2, '0')}`;
    const gameId = r() < 0.6 ? GAMES[0].gameId : GAMES[1].gameId;
    const minor = band !== 'adult';
    let loginAt: number;
    if (minor) loginAt = between(at('20:00:00'), at('20:01:00'));
    else {
      const when = r();
      loginAt =
        when < 0.25 ? between(at('19:55:00'), at('19:57:00')) : when < 0.85 ? between(at('19:58:00'), at('20:02:00')) : between(at('20:05:00'), at('20:40:00'));
    }
    const player: Player = { id: `load-${seed}-${i}`, gameId, band, birthDate, personIndex: i, loginAt, payments: [] };
    // Minors who try before 20:00 first (refused, then back in the burst).
    if (minor && r() < 0.15) player.loginAt = between(at('19:56:00'), at('19:59:30'));
    if (r() < (minor ? 0.2 : 0.4))
      player.logoutAt = minor ? between(at('20:20:00'), at('20:55:00')) : between(Math.max(at('20:30:00'), loginAt + 600_000), at('21:05:00'));
    if (r() < 0.03) player.takeoverAt = between(at('20:10:00'), at('20:40:00'));
    if (r() < 0.03) player.silentAt = between(Math.max(loginAt, at('20:05:00')) + 60_000, at('20:50:00'));
    if (band === 'adult' && r() < 0.3) player.payments.push({ at: between(at('20:05:00'), at('21:00:00')), amount: between(600, 30_000) });
    if (band === 'minor8' && r() < 0.25)
      for (let k = 0; k < 2; k += 1) player.payments.push({ at: between(at('20:05:00'), at('20:55:00')), amount: between(500, 5_001) });
    if (minor && r() < 0.08) {
      player.sibling = `${player.id}-sibling`;
      const each = band === 'minor8' ? 5_000 : 10_000;
      races.push({ at: between(at('20:10:00'), at('20:50:00')), accounts: [player.id, player.sibling], amount: each, each: 4 });
    }
    players.push(player);
  }
  return { players, races };
}

/** The law's limits by band (fen): one payment and a month (docs/rules.md; the default spending policy). */
export const LIMITS: Record<Band, { single: number | null; monthly: number | null }> = {
  adult: { single: null, monthly: null },
  minor8: { single: 5_000, monthly: 20_000 },
  minor16: { single: 10_000, monthly: 40_000 },
};
