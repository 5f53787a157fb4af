import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// The arrows of the architecture (README, "Layout"). The core's stages run one way:
// syntax → workspace → analysis → (fixes | abi) → the drivers at the core's top. The core never imports an
// adapter (the server, the CLI, lsp/) nor an editor API; the client talks to the server, never to the core;
// what both sides share lives in protocol/, which imports neither.
const CORE = './server/src/core';
const STAGES = ['syntax', 'workspace', 'analysis', 'fixes', 'abi'];
const LATER = {
  syntax: ['workspace', 'analysis', 'fixes', 'abi'],
  workspace: ['analysis', 'fixes', 'abi'],
  analysis: ['fixes', 'abi'],
  fixes: ['abi'],
  abi: ['fixes'],
};
const stageZones = STAGES.map((stage) => ({
  target: `${CORE}/${stage}`,
  from: [...LATER[stage].map((s) => `${CORE}/${s}/**`), `${CORE}/*.ts`],
  message: `the ${stage} stage may import only earlier stages (syntax → workspace → analysis → fixes | abi → core/*.ts).`,
}));
const ADAPTERS = ['./server/src/*.ts', './server/src/lsp/**'];
const EDITOR_APIS = ['vscode', 'vscode-languageserver*', 'vscode-languageclient*', 'vscode-jsonrpc*'];

export const architectureZones = [
  ...stageZones,
  { target: CORE, from: ADAPTERS, message: 'the core is pure: it never imports the server, the CLI or lsp/.' },
  {
    target: './client/src',
    from: ['./server/src/**'],
    message: 'the client talks to the server; shared types belong in protocol/.',
  },
  {
    target: './protocol',
    from: ['./server/src/**', './client/src/**'],
    message: 'protocol/ is shared by both sides and imports neither.',
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.bench/**', '.e2e/**', 'examples/**', 'e2e-screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'bin/*.js', 'scripts/*.js', 'scripts/e2e/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Type-only imports are erased at compile time: a cycle through them costs nothing at run time.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: architectureZones }],
    },
  },
  {
    files: ['server/src/core/**/*.ts', 'protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: EDITOR_APIS, message: 'the core and protocol/ are editor-neutral: no vscode or LSP imports.' },
          ],
        },
      ],
      // Spread arguments go on the stack: `out.push(...findings)` overflows it past ~120,000 elements.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(push|unshift|min|max)$/] > SpreadElement',
          message: 'a spread argument overflows the stack on a large array: loop instead.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { ...globals.node }, sourceType: 'commonjs' },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  // The end-to-end driver hands functions to the browser page, where `document` is defined.
  { files: ['scripts/e2e/*.js'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
);
