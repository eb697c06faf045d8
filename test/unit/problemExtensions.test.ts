/**
 * The extension-member map (PROBLEM_EXTENSIONS, shared/problem.ts) against the source: every
 * `new Problem(code, extra)` of shared/, functions/ and infra/ is read with the TypeScript compiler,
 * and each member it passes must be in the map with a type it fits; a member the map requires must
 * be passed by every raise of its code, one it marks optional must be left out by some; and every
 * member of the map must be raised somewhere. test/e2e/client.test.ts checks the same map against
 * what the gateway sends.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_EXTENSIONS, PROBLEMS } from '#shared/problem';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Raise {
  where: string;
  members: Map<string, ts.Type>;
}

let checker: ts.TypeChecker;
let declared: ts.Type;
const raises = new Map<string, Raise[]>();

const codesOf = (node: ts.Expression): string[] => {
  if (ts.isStringLiteralLike(node)) return [node.text];
  if (ts.isParenthesizedExpression(node)) return codesOf(node.expression);
  if (ts.isConditionalExpression(node)) return [...codesOf(node.whenTrue), ...codesOf(node.whenFalse)];
  return [];
};

// One TypeScript program over the source: several seconds on a 2-core machine.
beforeAll(() => {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const roots = config.fileNames.filter((f) => /\/(shared|functions|infra)\//.test(f.slice(ROOT.length)));
  const program = ts.createProgram(roots, config.options);
  checker = program.getTypeChecker();
  const problemFile = program.getSourceFile(join(ROOT, 'shared', 'problem.ts'))!;
  const moduleSymbol = checker.getSymbolAtLocation(problemFile)!;
  const exports = checker.getExportsOfModule(moduleSymbol);
  declared = checker.getDeclaredTypeOfSymbol(exports.find((e) => e.getName() === 'ProblemExtensions')!);
  const problemClass = exports.find((e) => e.getName() === 'Problem')!;

  for (const sourceFile of program.getSourceFiles()) {
    if (!roots.includes(sourceFile.fileName)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node)) {
        let symbol = checker.getSymbolAtLocation(node.expression);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        const [code, extra] = node.arguments ?? [];
        if (symbol === problemClass && code) {
          const members = new Map<string, ts.Type>();
          if (extra && ts.isObjectLiteralExpression(extra)) {
            for (const p of extra.properties) {
              if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) members.set(p.name.text, checker.getTypeAtLocation(p.initializer));
              else if (ts.isShorthandPropertyAssignment(p)) members.set(p.name.text, checker.getTypeAtLocation(p.name));
              else throw new Error(`${sourceFile.fileName}: a member this test cannot read (${p.getText()})`);
            }
          } else if (extra) throw new Error(`${sourceFile.fileName}: extension members not written as an object literal (${extra.getText()})`);
          const where = `${sourceFile.fileName.slice(ROOT.length + 1)}:${sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
          for (const c of codesOf(code)) raises.set(c, [...(raises.get(c) ?? []), { where, members }]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
}, HEAVY_TEST_MS);

const declaredMembers = (code: string): Map<string, { type: ts.Type; optional: boolean }> => {
  const codeType = checker.getTypeOfSymbol(checker.getPropertyOfType(declared, code)!);
  return new Map(
    checker.getPropertiesOfType(codeType).map((p) => [p.getName(), { type: checker.getTypeOfSymbol(p), optional: (p.flags & ts.SymbolFlags.Optional) !== 0 }]),
  );
};

describe('PROBLEM_EXTENSIONS', () => {
  it('finds the raises it checks', () => {
    expect(raises.get('play_time_restricted')?.length).toBeGreaterThan(0);
    expect([...raises.keys()].every((c) => Object.hasOwn(PROBLEMS, c))).toBe(true);
  });

  it('lists every member a raise passes, with a type that fits it', () => {
    const wrong: string[] = [];
    for (const [code, list] of raises) {
      const members = declaredMembers(code);
      for (const { where, members: passed } of list) {
        for (const [name, type] of passed) {
          const d = members.get(name);
          if (!d) wrong.push(`${where}: ${code}.${name} is not in the map`);
          else if (!checker.isTypeAssignableTo(type, d.type))
            wrong.push(`${where}: ${code}.${name} is ${checker.typeToString(type)}, the map says ${checker.typeToString(d.type)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('marks a member required exactly when every raise of its code passes it, and holds no member never raised', () => {
    const wrong: string[] = [];
    for (const code of Object.keys(PROBLEMS)) {
      const list = raises.get(code) ?? [];
      for (const [name, { optional }] of declaredMembers(code)) {
        const passing = list.filter((r) => r.members.has(name)).length;
        if (passing === 0) wrong.push(`${code}.${name} is never raised`);
        else if (optional && passing === list.length) wrong.push(`${code}.${name} is always passed: make it required`);
        else if (!optional && passing < list.length)
          wrong.push(
            `${code}.${name} is left out by ${list
              .filter((r) => !r.members.has(name))
              .map((r) => r.where)
              .join(', ')}: make it optional`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('is keyed by codes of the catalogue only', () => {
    expect(Object.keys(PROBLEM_EXTENSIONS).filter((c) => !Object.hasOwn(PROBLEMS, c))).toEqual([]);
    expect(Object.keys(PROBLEM_EXTENSIONS).sort()).toEqual([
      'approval_decided',
      'challenge_required',
      'guardian_approval_required',
      'guardian_consent_required',
      'guardian_restricted',
      'invalid_id_number',
      'invalid_request',
      'order_conflict',
      'payload_too_large',
      'play_time_restricted',
      'refund_already_requested',
      'refund_not_eligible',
      'spending_limit_exceeded',
      'stale_heartbeat',
    ]);
  });

  it('never names a standard member', () => {
    const standard = ['type', 'title', 'status', 'detail', 'code'];
    expect(
      Object.values(PROBLEM_EXTENSIONS)
        .flatMap((s) => Object.keys(s.shape))
        .filter((m) => standard.includes(m)),
    ).toEqual([]);
  });
});
