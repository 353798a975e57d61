// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Module boundaries from docs/architecture.md, enforced here so they cannot drift:
 * util and api are pure; store imports only util; only apiserver imports store; components talk to
 * the API through client; nobody deep-imports another module (its index.ts is its public surface).
 */
const deepImport = (/** @type {string} */ mod) => ({
  group: [`**/${mod}/*`, `!**/${mod}/index.ts`],
  message: `Import ${mod} through its index.ts, not its internals.`,
});
const forbid = (/** @type {string[]} */ mods, /** @type {string} */ message) => ({
  group: mods.flatMap((m) => [`**/${m}/**`, `**/${m}`, `**/${m}/index.ts`]),
  message,
});
const modules = [
  'util',
  'api',
  'store',
  'apiserver',
  'client',
  'scheduler',
  'controllers',
  'kubelet',
  'cli',
];

/** For files in `mod`, forbid deep imports into every other module, plus the extra rules given. */
function boundaries(/** @type {string} */ mod, /** @type {object[]} */ extra) {
  return {
    files: [`src/${mod}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [...modules.filter((m) => m !== mod).map(deepImport), ...extra] },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        {
          selector: 'TSEnumDeclaration',
          message: 'Use a string-literal union instead of an enum.',
        },
      ],
    },
  },
  boundaries('util', [
    forbid(
      modules.filter((m) => m !== 'util'),
      'util is a leaf: it imports nothing of ours.',
    ),
  ]),
  boundaries('api', [
    forbid(
      modules.filter((m) => m !== 'api' && m !== 'util'),
      'api is pure: it imports only util.',
    ),
  ]),
  boundaries('store', [
    forbid(
      modules.filter((m) => m !== 'store' && m !== 'util'),
      'store imports only util.',
    ),
  ]),
  boundaries('apiserver', [
    forbid(
      ['scheduler', 'controllers', 'kubelet', 'cli', 'client'],
      'apiserver serves the API; it does not run components.',
    ),
  ]),
  boundaries('client', [
    forbid(
      ['store', 'apiserver', 'scheduler', 'controllers', 'kubelet', 'cli'],
      'client talks HTTP (or the in-process transport) to the API only.',
    ),
  ]),
  ...['scheduler', 'controllers', 'kubelet', 'cli'].map((m) =>
    boundaries(m, [
      forbid(
        ['store', 'apiserver'],
        'Talk to the API through src/client, never to the store or apiserver.',
      ),
      forbid(
        ['scheduler', 'controllers', 'kubelet', 'cli'].filter((o) => o !== m),
        'Components coordinate through the API, not by importing each other.',
      ),
    ]),
  ),
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', '**/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // @kubernetes/client-node's model classes are meant to be given plain objects.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    // Tool configuration files (vitest) must default-export their config.
    files: ['*.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
