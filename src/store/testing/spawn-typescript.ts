import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runs a TypeScript file of this repository in a plain `node` child process, for tests that need a
 * real second process (crash with `kill -9`, a second process holding a lock).
 *
 * Node 20 cannot run TypeScript, and the build (`dist/`) leaves test helpers out, so the child gets
 * a tiny module-loader hook (written into `dir`) that transpiles each `.ts` file with the
 * TypeScript compiler already in devDependencies (`transpileModule`: types erased, no type check)
 * as Node loads it. The child therefore runs the current sources, with no build step and no extra
 * dependency; native modules such as better-sqlite3 load as usual. The same hook works on Node 22
 * and 24, where it simply takes precedence over their built-in type stripping.
 */
export function spawnTypeScript(
  script: string,
  args: readonly string[],
  opts: { dir: string; env?: NodeJS.ProcessEnv },
): ChildProcess {
  const typescript = pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href;
  const hooks = join(opts.dir, 'ts-hooks.mjs');
  const register = join(opts.dir, 'ts-register.mjs');
  writeFileSync(
    hooks,
    `import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from ${JSON.stringify(typescript)};

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const out = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
    },
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
`,
  );
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  return spawn(
    process.execPath,
    ['--enable-source-maps', '--import', pathToFileURL(register).href, script, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env },
  );
}
