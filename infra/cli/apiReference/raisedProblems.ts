/**
 * Where the source raises each problem, read with the TypeScript compiler: every `new Problem(…)` of
 * shared/, functions/ and infra/ (not the tests), with the headers and the per-response details it
 * attaches and whether the functions or only the local runner raise it. The extension members are
 * not read here: the catalogue declares them (shared/problem.ts `PROBLEM_EXTENSIONS`, held to the
 * source by test/unit/problemExtensions.test.ts).
 */
import { join, relative } from 'node:path';
import ts from 'typescript';
import { code } from '#infra/cli/apiReference/markdown';

const PROJECT_ROOT = join(import.meta.dirname, '..', '..', '..');

export interface RaisedProblem {
  /** Response header → literal values (or `computed`). */
  headers: Map<string, Set<string>>;
  /** Per-response details that replace the catalogue's. */
  details: Set<string>;
  /** Where it is raised: `functions` (shared/, functions/) or `local runner` (infra/local/). */
  raisedBy: Set<string>;
}

/** A header or detail whose value the code computes per response. */
export const COMPUTED = 'computed';

function placeOf(relativePath: string): string {
  if (relativePath.startsWith('shared/') || relativePath.startsWith('functions/')) return 'functions';
  if (relativePath.startsWith('infra/local/')) return 'local runner';
  return relativePath.slice(0, relativePath.lastIndexOf('/'));
}

const propertyName = (name: ts.PropertyName): string | undefined =>
  ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name) ? name.text : undefined;

/** The codes a `new Problem(…)` call raises: a string literal, or a conditional between literals. */
function codesOf(node: ts.Expression): string[] {
  if (ts.isStringLiteralLike(node)) return [node.text];
  if (ts.isParenthesizedExpression(node)) return codesOf(node.expression);
  if (ts.isConditionalExpression(node)) return [...codesOf(node.whenTrue), ...codesOf(node.whenFalse)];
  return [];
}

const inSource = (file: string): boolean => /^(shared|functions|infra)\//.test(relative(PROJECT_ROOT, file).split('\\').join('/'));
let program: ts.Program | undefined;

/**
 * One TypeScript program over the project's source (shared/, functions/, infra/; not the tests), built once
 * per process: several seconds on a 2-core machine.
 */
export function sourceProgram(): ts.Program {
  if (!program) {
    const config = ts.getParsedCommandLineOfConfigFile(join(PROJECT_ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    if (!config) throw new Error('tsconfig.json could not be read');
    program = ts.createProgram(config.fileNames.filter(inSource).sort(), config.options);
  }
  return program;
}

/** Finds every `new Problem(…)` of the project's source (not the tests) and what it attaches. */
export function raisedProblems(): Map<string, RaisedProblem> {
  const program = sourceProgram();
  const roots = program.getRootFileNames();
  const checker = program.getTypeChecker();
  // The class `Problem` of the module that also exports the catalogue, wherever that module lives.
  const isProblemClass = (expression: ts.Expression): boolean => {
    let symbol = checker.getSymbolAtLocation(expression);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return !!symbol?.declarations?.some((d) => {
      if (!ts.isClassDeclaration(d) || d.name?.text !== 'Problem') return false;
      const module = checker.getSymbolAtLocation(d.getSourceFile());
      return !!module && checker.getExportsOfModule(module).some((e) => e.getName() === 'PROBLEMS');
    });
  };

  const found = new Map<string, RaisedProblem>();
  const entry = (c: string): RaisedProblem => {
    let e = found.get(c);
    if (!e) found.set(c, (e = { headers: new Map(), details: new Set(), raisedBy: new Set() }));
    return e;
  };
  const add = (map: Map<string, Set<string>>, key: string, values: Iterable<string>): void => {
    const set = map.get(key) ?? new Set<string>();
    for (const v of values) set.add(v);
    map.set(key, set);
  };

  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || !roots.includes(sourceFile.fileName)) continue;
    const place = placeOf(relative(PROJECT_ROOT, sourceFile.fileName).split('\\').join('/'));
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && isProblemClass(node.expression)) {
        const [codeArgument, , headers, options] = node.arguments ?? [];
        for (const c of codeArgument ? codesOf(codeArgument) : []) {
          const e = entry(c);
          e.raisedBy.add(place);
          if (headers && ts.isObjectLiteralExpression(headers)) {
            for (const p of headers.properties) {
              if (!ts.isPropertyAssignment(p)) continue;
              const name = propertyName(p.name);
              if (name) add(e.headers, name.toLowerCase(), [ts.isStringLiteralLike(p.initializer) ? p.initializer.text : COMPUTED]);
            }
          }
          if (options && ts.isObjectLiteralExpression(options)) {
            for (const p of options.properties) {
              if (ts.isPropertyAssignment(p) && propertyName(p.name) === 'detail')
                e.details.add(ts.isStringLiteralLike(p.initializer) ? p.initializer.text : `${COMPUTED}: ${code(p.initializer.getText())}`);
            }
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return found;
}
