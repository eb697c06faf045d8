/**
 * How the client makes requests where there is no `fetch`: over `XMLHttpRequest` (Cocos Creator 3's
 * native builds, and the mini-game builds of engines whose adapters provide it) and over a mini-game
 * runtime's `request` API (`wx.request` in WeChat, `tt.request` in Douyin). The default picks the
 * first the runtime has, in that order after `fetch`.
 */

/** What the client needs of a response. */
export interface FetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}
/** A `fetch` as far as the client uses one; the global `fetch` is one. */
export type Fetch = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** A response's headers, looked up whatever their case. */
function headerReader(headers: Record<string, unknown> | null | undefined): FetchResponse['headers'] {
  const lower: Record<string, string> = {};
  for (const k of Object.keys(headers || {})) lower[k.toLowerCase()] = String((headers as Record<string, unknown>)[k]);
  // biome-ignore lint/suspicious/noPrototypeBuiltins: Object.hasOwn is ES2022; the package ships the ES2018 library (old mini-game engines)
  return { get: (name) => (Object.prototype.hasOwnProperty.call(lower, name.toLowerCase()) ? lower[name.toLowerCase()]! : null) };
}

function onAbort(signal: AbortSignal | undefined, abort: () => void): void {
  if (signal && typeof signal.addEventListener === 'function') signal.addEventListener('abort', abort);
}

/** The part of a mini-game runtime's request API the client uses (`wx.request`, `tt.request`). */
export interface MiniGameRequestApi {
  request(options: {
    url: string;
    method: string;
    header: Record<string, string>;
    data?: string;
    dataType: string;
    responseType: 'text';
    timeout?: number;
    success(res: { statusCode: number; header?: Record<string, unknown>; data: unknown }): void;
    fail(err: { errMsg?: string; errNo?: number; errno?: number }): void;
    // biome-ignore lint/suspicious/noConfusingVoidType: a runtime's request() may be declared as returning nothing
  }): { abort?(): void } | void;
}

/**
 * A `fetch` over a mini-game runtime's request API: `miniGameFetch(wx)` in WeChat,
 * `miniGameFetch(tt)` in Douyin. The body is asked for as text and not parsed by the runtime
 * (`dataType` other than `json`); a `fail` (no answer, a domain not on the game's allow-list) is a
 * network error, after which a heartbeat is sent again with the same `seq`.
 */
export function miniGameFetch(api: MiniGameRequestApi): Fetch {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const task = api.request({
        url,
        method: init.method,
        header: init.headers,
        ...(init.body !== undefined ? { data: init.body } : {}),
        dataType: 'text',
        responseType: 'text',
        success: (res) => {
          const data = res.data;
          const text = typeof data === 'string' ? data : data === undefined || data === null ? '' : JSON.stringify(data);
          resolve({ status: res.statusCode, headers: headerReader(res.header), text: () => Promise.resolve(text) });
        },
        fail: (err) => reject(new Error(`request failed: ${err?.errMsg || 'unknown'}`)),
      });
      onAbort(init.signal, () => task && typeof task.abort === 'function' && task.abort());
    });
}

interface Xhr {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getAllResponseHeaders(): string;
  send(body?: string | null): void;
  abort(): void;
  status: number;
  responseText: string;
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  ontimeout: (() => void) | null;
}

const g = (typeof globalThis !== 'undefined' ? globalThis : {}) as unknown as {
  fetch?: Fetch;
  XMLHttpRequest?: new () => Xhr;
  wx?: MiniGameRequestApi;
  tt?: MiniGameRequestApi;
};

/** A `fetch` over `XMLHttpRequest` (Cocos Creator 3 native builds have it but no `fetch`): the runtime's own by default. */
export function xhrFetch(Request?: new () => Xhr): Fetch {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const Xhr = Request || g.XMLHttpRequest;
      if (!Xhr) throw new Error('no XMLHttpRequest here');
      const xhr = new Xhr();
      xhr.open(init.method, url);
      for (const k of Object.keys(init.headers)) xhr.setRequestHeader(k, init.headers[k]!);
      xhr.onload = () => {
        const headers: Record<string, string> = {};
        for (const line of (xhr.getAllResponseHeaders() || '').split(/\r?\n/)) {
          const at = line.indexOf(':');
          if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
        }
        const text = xhr.responseText || '';
        resolve({ status: xhr.status, headers: headerReader(headers), text: () => Promise.resolve(text) });
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = () => reject(new Error('request failed'));
      onAbort(init.signal, () => xhr.abort());
      xhr.send(init.body === undefined ? null : init.body);
    });
}

/** The runtime's own way: `fetch`, else `XMLHttpRequest`, else `wx.request` / `tt.request`. Looked up at each request. */
export const defaultFetch: Fetch = (url, init) => {
  // Called as a function, not a method: a browser refuses `fetch` called on another object.
  if (typeof g.fetch === 'function') return (0, g.fetch)(url, init);
  if (typeof g.XMLHttpRequest === 'function') return xhrFetch(g.XMLHttpRequest)(url, init);
  const mini = g.wx && typeof g.wx.request === 'function' ? g.wx : g.tt && typeof g.tt.request === 'function' ? g.tt : undefined;
  if (mini) return miniGameFetch(mini)(url, init);
  return Promise.reject(new Error('no fetch, XMLHttpRequest or mini-game request API here: pass `fetch` to createPlayGuard'));
};
