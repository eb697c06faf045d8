/**
 * The wire protocol of the national real-name system (docs/nppa.md, 接口对接技术规范 V1.8): request and
 * response shapes, the limits the protocol states, what each errcode means for the caller, and the
 * loginout batch rules — shared by the client (which obeys them) and the simulator (which enforces them).
 */

export type NppaEndpoint = 'check' | 'query' | 'loginout';

/** Per game, across every running function; exceeding one locks the caller out for a minute (1006). */
export const RATE_LIMITS: Readonly<Record<NppaEndpoint, number>> = { check: 100, query: 300, loginout: 10 };
export const RATE_LIMIT_LOCKOUT_SECONDS = 60;
/** A request expires this long after its `timestamps` header. */
export const REQUEST_LIFETIME_MS = 5000;
/** The earliest `ot` of a loginout batch must be less than this many seconds before `timestamps`. */
export const LOGINOUT_WINDOW_SECONDS = 180;
export const MAX_LOGINOUT_ITEMS = 128;
export const AI_MAX_LENGTH = 32;
/** 6 base-26 birth-date characters (0-9, a-p) and 32 assigned by the national system. */
export const PI_PATTERN = /^[0-9a-p]{6}[0-9a-z]{32}$/;

/** check body (plaintext before encryption). */
export interface CheckRequest {
  /** This one check attempt's id inside the game, ≤ 32 characters; the key for later queries. */
  ai: string;
  name: string;
  idNum: string;
}

/** `data.result.status` of check and query. */
export const CHECK_STATUS = { verified: 0, pending: 1, failed: 2 } as const;

/** What a check or query found. */
export type CheckResult = { status: 'verified'; pi: string } | { status: 'pending' } | { status: 'failed' };

/** `bt`: 0 = logout (下线), 1 = login (上线) — public libraries often get this backwards. */
export const BEHAVIOUR = { logout: 0, login: 1 } as const;
/** `ct`: 0 = verified user (pi required), 2 = guest (di required). */
export const CALLER_TYPE = { verified: 0, guest: 2 } as const;

export interface LoginoutItem {
  /** Position in the batch, 1 … n. */
  no: number;
  /** Session id: a login and its logout share it; one si belongs to one person. */
  si: string;
  bt: 0 | 1;
  /** Event time, epoch **seconds**. */
  ot: number;
  ct: 0 | 2;
  di?: string;
  pi?: string;
}

/** One item the national system refused inside a 3001 partial failure. */
export interface LoginoutItemFailure {
  no: number;
  errcode: number;
  errmsg: string;
}

/**
 * Every answer: plain JSON, never encrypted. `data` is an object where there is something to say
 * (check/query results, 3001 item failures); the specification's loginout success example carries
 * `"data": ""`, and other answers may leave it out or send null.
 */
export interface NppaEnvelope {
  errcode: number;
  errmsg: string;
  data?:
    | {
        result?: { status?: number; pi?: string };
        results?: LoginoutItemFailure[];
      }
    | string
    | null;
}

/**
 * The encrypted `data` of a POST body is standard base64 with padding (RFC 4648 §4), as the
 * specification's vectors are: base64url characters (`-`, `_`) or missing padding are a malformed
 * body, refused like any other body that cannot be verified (1012).
 */
export const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const ERRMSG: Readonly<Record<number, string>> = {
  0: 'OK',
  1001: 'system error',
  1002: 'resource not found',
  1003: 'wrong method',
  1004: 'core header missing',
  1005: 'IP not whitelisted',
  1006: 'rate limited',
  1007: 'request expired',
  1008: 'caller identity invalid',
  1009: 'caller permission not enabled',
  1010: 'no permission for this interface',
  1011: 'caller verification failed',
  1012: 'message verification failed',
  2001: 'id number format invalid',
  2002: 'entry limit reached',
  2003: 'no record for this ai',
  2004: 'ai already in use',
  3001: 'partial failure',
  3002: 'empty',
  3003: 'too many items',
  3004: 'bad no',
  3005: 'bad time',
  3006: 'bad ct',
  3007: 'bad bt',
  3008: 'pi missing',
  3009: 'di missing',
  3010: 'pi invalid',
  4001: 'test system error',
  4002: 'task does not exist',
  4003: 'invalid parameter',
};

/**
 * What the caller should do about an errcode (docs/nppa.md):
 * - `retry`: transient (1001 system error) — retry shortly;
 * - `rate_limited`: 1006 — wait out the lockout minute, never inline;
 * - `expired`: 1007 — retry once with a fresh timestamp;
 * - `configuration`: our credentials, URL, method or whitelisting are wrong — alarm, never loop;
 * - `partial`: 3001 — some loginout items failed, listed in `data.results`;
 * - `data`: the request's data is refused — the caller acts on it;
 * - `unknown`: not in the specification — treated as transient by the client.
 */
export type ErrcodeClass = 'ok' | 'retry' | 'rate_limited' | 'expired' | 'configuration' | 'partial' | 'data' | 'unknown';

export function classifyErrcode(errcode: number): ErrcodeClass {
  if (errcode === 0) return 'ok';
  if (errcode === 1001) return 'retry';
  if (errcode === 1006) return 'rate_limited';
  if (errcode === 1007) return 'expired';
  if (errcode >= 1002 && errcode <= 1012) return 'configuration';
  if (errcode === 3001) return 'partial';
  if ((errcode >= 2001 && errcode <= 2004) || (errcode >= 3002 && errcode <= 3010) || (errcode >= 4001 && errcode <= 4003)) return 'data';
  return 'unknown';
}

/**
 * The loginout batch rules as the national system applies them: a whole-batch refusal (3002 empty,
 * 3003 more than 128) as `batch`, otherwise one entry per item in batch order — the refusal, or
 * null when the item is acceptable. `timestampsMs` is the request's `timestamps` header. Time (3005)
 * is judged over the batch: the earliest `ot` less than 180 s before `timestamps`, the latest earlier.
 */
export function loginoutRefusals(collections: unknown, timestampsMs: number): { batch: number } | { items: Array<LoginoutItemFailure | null> } {
  if (!Array.isArray(collections) || collections.length === 0) return { batch: 3002 };
  if (collections.length > MAX_LOGINOUT_ITEMS) return { batch: 3003 };
  const items = collections as Array<Partial<Record<keyof LoginoutItem, unknown>>>;
  const timestampsSeconds = timestampsMs / 1000;
  const ots = items.map((i) => i.ot);
  const timeOk =
    ots.every((ot): ot is number => Number.isInteger(ot)) &&
    Math.min(...ots) > timestampsSeconds - LOGINOUT_WINDOW_SECONDS &&
    Math.max(...ots) < timestampsSeconds;
  return {
    items: items.map((item, index) => {
      const errcode = itemRefusal(item, index + 1, timeOk);
      return errcode ? { no: typeof item.no === 'number' ? item.no : index + 1, errcode, errmsg: ERRMSG[errcode]! } : null;
    }),
  };
}

function itemRefusal(item: Partial<Record<keyof LoginoutItem, unknown>>, position: number, timeOk: boolean): number | null {
  if (item.no !== position) return 3004;
  if (!timeOk) return 3005;
  if (item.ct !== CALLER_TYPE.verified && item.ct !== CALLER_TYPE.guest) return 3006;
  if (item.bt !== BEHAVIOUR.logout && item.bt !== BEHAVIOUR.login) return 3007;
  // The specification has no code of its own for a bad session id: refused as a malformed item, like a bad `no`.
  if (typeof item.si !== 'string' || item.si.length === 0 || item.si.length > 32) return 3004;
  if (item.ct === CALLER_TYPE.verified) {
    if (item.pi === undefined || item.pi === null || item.pi === '') return 3008;
    if (typeof item.pi !== 'string' || !PI_PATTERN.test(item.pi)) return 3010;
  }
  if (item.ct === CALLER_TYPE.guest && (typeof item.di !== 'string' || item.di.length === 0 || item.di.length > 32)) return 3009;
  return null;
}
