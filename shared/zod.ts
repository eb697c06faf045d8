/**
 * zod as the gateway's own code uses it: `zod/mini`, the same parser as classic zod with functions
 * instead of methods (`z.optional(s)`, `s.check(z.minLength(1))`), so a bundle keeps only what it
 * calls (about 25 KB instead of classic's 100 KB, in every function). Import it as
 * `import * as z from '#shared/zod'`, never 'zod/mini' or 'zod' directly.
 *
 * Two things classic zod did by itself are done here, so nothing a caller sees changes:
 * - zod/mini ships no messages: without a locale every issue would read "Invalid input". English is
 *   installed here, before any schema of ours can parse, so the messages the edge returns in
 *   `errors[]` and the ones settings and policies fail with stay what they were.
 * - `z.parse(schema, value)` throws an error named `ZodError`, as classic zod's `.parse` did (the
 *   error of zod/mini's `.parse` is named `$ZodError`): the name reaches the logs (a stored item that
 *   does not parse) and the error a function fails with when its secret document does not parse.
 *
 * `export *` rather than a namespace object: esbuild then keeps only the members a bundle uses.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';
// From zod/v4/core itself: reached through zod/mini's `core` namespace, esbuild would keep all of it.
import { $constructor, $ZodError, _parse, type $ZodIssue, type $ZodType, type output } from 'zod/v4/core';

config(en());

const ZodError = $constructor<$ZodError, $ZodIssue[]>(
  'ZodError',
  (inst, issues) => {
    $ZodError.init(inst, issues);
    inst.name = 'ZodError';
  },
  undefined,
  { Parent: Error },
);

export * from 'zod/mini';

/** `schema`'s output for `value`; throws a `ZodError` with the issues. */
export const parse: <S extends $ZodType>(schema: S, value: unknown) => output<S> = _parse(ZodError);
