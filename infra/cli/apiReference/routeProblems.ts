/**
 * The problems each route can answer, read with the TypeScript compiler: from the operation its
 * function gives `httpFunction` (functions/*.ts), every function, method and constructor it can reach
 * in the project's source, and the problems they construct (`new Problem(…)`), plus the edge's own
 * checks for what the route declares (shared/edge/http.ts: the credential, the path, the query, the
 * body) and `write_contention` where a DynamoDB transaction is reachable (the edge answers it for a
 * conflict that outlasts the retries). test/unit/routeProblems.test.ts fails when a route can answer
 * a code its documented responses (shared/api/routeDocs.ts) do not list.
 *
 * It over-approximates, as such a scan must: a call through an interface reaches every class of the
 * source whose instances fit it, and a function referenced as a value counts as called.
 */
import { join, relative } from 'node:path';
import ts from 'typescript';
import { sourceProgram } from '#infra/cli/apiReference/raisedProblems';

const PROJECT_ROOT = join(import.meta.dirname, '..', '..', '..');

/** The edge's checks (shared/edge/http.ts), and when a route passes through each. */
export const EDGE_CHECKS = {
  authorize: (r: EdgeRoute) => r.auth !== 'none',
  parseParams: (r: EdgeRoute) => r.params,
  parseQuery: (r: EdgeRoute) => r.query,
  parseBody: (r: EdgeRoute) => r.body,
} as const;

export interface EdgeRoute {
  auth: string;
  params: boolean;
  query: boolean;
  body: boolean;
}

export interface RouteScan {
  /** Operation id → code → where it is raised (file:line), for the operations of functions/*.ts. */
  operations: Map<string, Map<string, Set<string>>>;
  /** Edge check → the codes it raises. */
  edge: Map<keyof typeof EDGE_CHECKS, Map<string, Set<string>>>;
  /** Raises whose code is not a literal (the scan cannot tell it). */
  unread: string[];
}

const rel = (file: string): string => relative(PROJECT_ROOT, file).split('\\').join('/');
const inSource = (file: string): boolean => /^(shared|functions)\//.test(rel(file)) && !file.endsWith('.d.ts');

/** The codes of a `new Problem(…)`'s first argument: a literal, or a conditional between literals. */
function codesOf(node: ts.Expression): string[] | null {
  if (ts.isStringLiteralLike(node)) return [node.text];
  if (ts.isParenthesizedExpression(node)) return codesOf(node.expression);
  if (ts.isConditionalExpression(node)) {
    const [a, b] = [codesOf(node.whenTrue), codesOf(node.whenFalse)];
    return a && b ? [...a, ...b] : null;
  }
  return null;
}

export function scanRoutes(): RouteScan {
  const program = sourceProgram();
  const checker = program.getTypeChecker();
  const files = program.getSourceFiles().filter((f) => inSource(f.fileName));

  const resolve = (node: ts.Node): ts.Symbol | undefined => {
    let symbol = checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol;
  };
  const declaredIn = (symbol: ts.Symbol | undefined, name: string, file: string): boolean =>
    !!symbol?.declarations?.some((d) => rel(d.getSourceFile().fileName) === file && (d as ts.NamedDeclaration).name?.getText() === name);
  const isProblem = (e: ts.Expression) => declaredIn(resolve(e), 'Problem', 'shared/problem.ts');
  const isTransaction = (e: ts.Expression) => resolve(e)?.getName() === 'TransactWriteCommand';

  // Every class of the source, for calls through an interface.
  const classes: ts.ClassLikeDeclaration[] = [];
  for (const f of files) {
    const visit = (n: ts.Node): void => {
      if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) classes.push(n);
      ts.forEachChild(n, visit);
    };
    visit(f);
  }

  /** The code a declaration runs when it is called or constructed (its body, or a variable's or property's initializer). */
  const runnable = (d: ts.Declaration): ts.Node[] => {
    if (!inSource(d.getSourceFile().fileName)) return [];
    if (ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d) || ts.isGetAccessor(d) || ts.isSetAccessor(d) || ts.isConstructorDeclaration(d))
      return d.body ? [d.body] : [];
    if (ts.isVariableDeclaration(d) || ts.isPropertyAssignment(d) || ts.isPropertyDeclaration(d)) return d.initializer ? [d.initializer] : [];
    if (ts.isShorthandPropertyAssignment(d)) {
      const value = checker.getShorthandAssignmentValueSymbol(d);
      return (value?.declarations ?? []).flatMap(runnable);
    }
    if (ts.isClassDeclaration(d) || ts.isClassExpression(d))
      return d.members.filter((m) => ts.isConstructorDeclaration(m) || (ts.isPropertyDeclaration(m) && m.initializer));
    if (ts.isArrowFunction(d) || ts.isFunctionExpression(d)) return [d.body];
    return [];
  };

  /** Where a called member without a body (an interface's) runs: the members of that name of every class whose instances fit the receiver. */
  const implementations = (call: ts.PropertyAccessExpression): ts.Node[] => {
    const receiver = checker.getTypeAtLocation(call.expression);
    const name = call.name.text;
    const out: ts.Node[] = [];
    for (const c of classes) {
      const member = c.members.find((m) => m.name && ts.isIdentifier(m.name) && m.name.text === name);
      if (!member) continue;
      const instance = checker.getTypeAtLocation(c);
      if (checker.isTypeAssignableTo(instance, receiver) || checker.getPropertiesOfType(receiver).length === 0) out.push(...runnable(member as ts.Declaration));
    }
    return out;
  };

  const unread: string[] = [];
  const whereOf = (n: ts.Node): string => `${rel(n.getSourceFile().fileName)}:${n.getSourceFile().getLineAndCharacterOfPosition(n.getStart()).line + 1}`;

  /** Every code reachable from `roots`. */
  const reach = (roots: ts.Node[]): Map<string, Set<string>> => {
    const codes = new Map<string, Set<string>>();
    const add = (c: string, where: string) => codes.set(c, (codes.get(c) ?? new Set()).add(where));
    const seen = new Set<ts.Node>();
    const queue = [...roots];
    const follow = (symbol: ts.Symbol | undefined): void => {
      for (const d of symbol?.declarations ?? []) for (const n of runnable(d)) if (!seen.has(n)) queue.push(n);
    };
    while (queue.length) {
      const root = queue.pop()!;
      if (seen.has(root)) continue;
      seen.add(root);
      const visit = (n: ts.Node): void => {
        if (ts.isNewExpression(n)) {
          if (isProblem(n.expression)) {
            const first = n.arguments?.[0];
            const found = first ? codesOf(first) : null;
            if (found) for (const c of found) add(c, whereOf(n));
            else unread.push(whereOf(n));
          } else if (isTransaction(n.expression)) add('write_contention', whereOf(n));
        }
        if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && ts.isPropertyAccessExpression(n.expression)) {
          const symbol = resolve(n.expression.name);
          if (!symbol?.declarations?.some((d) => runnable(d).length)) for (const i of implementations(n.expression)) if (!seen.has(i)) queue.push(i);
        }
        // A function or value referenced (called, passed or read): what it runs is reachable.
        if (ts.isIdentifier(n)) follow(resolve(n));
        ts.forEachChild(n, visit);
      };
      visit(root);
    }
    return codes;
  };

  // The operations: the second argument of every `httpFunction(routes, { … })` of functions/.
  const operations = new Map<string, Map<string, Set<string>>>();
  let edgeFile: ts.SourceFile | undefined;
  for (const f of files) {
    if (!rel(f.fileName).startsWith('functions/')) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && declaredIn(resolve(n.expression), 'httpFunction', 'shared/edge/http.ts')) {
        const table = n.arguments[1];
        if (!table || !ts.isObjectLiteralExpression(table)) throw new Error(`${whereOf(n)}: httpFunction's operations are not an object literal`);
        for (const p of table.properties) {
          if (!p.name || !(ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p))) throw new Error(`${whereOf(p)}: an operation this scan cannot read`);
          operations.set(p.name.getText(), reach(ts.isPropertyAssignment(p) ? [p.initializer] : [p]));
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(f);
    edgeFile ??= files.find((s) => rel(s.fileName) === 'shared/edge/http.ts');
  }

  // The edge's checks, each from its own function.
  const edge = new Map<keyof typeof EDGE_CHECKS, Map<string, Set<string>>>();
  for (const name of Object.keys(EDGE_CHECKS) as Array<keyof typeof EDGE_CHECKS>) {
    const fn = edgeFile?.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name);
    if (!fn?.body) throw new Error(`shared/edge/http.ts has no function ${name}`);
    edge.set(name, reach([fn.body]));
  }
  return { operations, edge, unread: [...new Set(unread)] };
}
