import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// The layer rules keep dependencies pointing one way (see docs/ARCHITECTURE.md).
const upward = (names) =>
  names.map((name) => ({
    group: [`**/${name}/**`, `../${name}/*`],
    message: `this layer must not import ${name}`,
  }));

export default tseslint.config(
  {
    ignores: [
      'dist',
      'node_modules',
      'test-results',
      'playwright-report',
      '.fixtures',
      '.venv',
      '.venv-keras',
      '.scratch',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', message: 'src/model imports nothing outside src/model' }] },
      ],
    },
  },
  {
    // These layers run in Node and in a Worker: no page globals (tsconfig's DOM lib would let them compile).
    files: ['src/model/**/*.ts', 'src/formats/**/*.ts', 'src/core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', 'document', 'window', 'localStorage', 'sessionStorage', 'navigator'],
    },
  },
  {
    files: ['src/formats/**/*.ts', 'src/core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['react', 'react-dom', 'zustand', 'd3'],
          patterns: upward(['worker', 'cli', 'state', 'ui']),
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['h5wasm', 'h5wasm/node', 'react', 'zustand', 'd3'],
          patterns: upward(['formats', 'worker', 'cli', 'state', 'ui']),
        },
      ],
    },
  },
  {
    files: ['src/state/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: upward(['ui']) }] },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);
