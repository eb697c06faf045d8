// `npm run build`: dist/esm (ES modules) and dist/cjs (CommonJS, marked by its own package.json),
// each with its .d.ts, compiled by TypeScript from src/ with tsconfig.json. Deterministic: the same
// sources give the same files. Fails on any type error. With `--if-stale` (npm pack's prepack) it
// builds only when dist is missing or older than the sources, so packing never replaces a build
// that tests are reading.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const HERE = join(dirname(fileURLToPath(import.meta.url)), '..');
const configPath = join(HERE, 'tsconfig.json');
const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, HERE, undefined, configPath);

const format = (diagnostics) => ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => HERE, getNewLine: () => '\n' });

function emit(outDir, overrides) {
  const options = { ...parsed.options, ...overrides, outDir: join(HERE, outDir) };
  const program = ts.createProgram(parsed.fileNames, options);
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
  if (diagnostics.length) {
    process.stderr.write(format(diagnostics));
    process.exit(1);
  }
}

if (process.argv.includes('--if-stale')) {
  const marker = join(HERE, 'dist/cjs/package.json');
  const newest = Math.max(
    statSync(configPath).mtimeMs,
    ...readdirSync(join(HERE, 'src'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => statSync(join(e.parentPath ?? e.path, e.name)).mtimeMs),
  );
  if (existsSync(marker) && statSync(marker).mtimeMs >= newest) process.exit(0);
}

rmSync(join(HERE, 'dist'), { recursive: true, force: true });
emit('dist/esm', {});
emit('dist/cjs', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 });
mkdirSync(join(HERE, 'dist/cjs'), { recursive: true });
// Files under dist/cjs are CommonJS whatever the package's own "type" says (Node and TypeScript read the nearest package.json).
writeFileSync(join(HERE, 'dist/cjs/package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
