// Lint gates: floating promises, import cycles, and reaching into another package's internals.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'packages/api/src/gen/**', 'coverage/**'],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base, importX.flatConfigs.typescript],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.eslint.json'], tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.eslint.json' })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-duplicates': ['error', { 'prefer-inline': true }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@berth/*/*', '!@berth/api/domain', '!@berth/api/pki'],
              message: "Import another package only through its index ('@berth/<pkg>', the light '@berth/api/domain', or '@berth/api/pki').",
            },
            {
              regex: '^(\\.\\./)+(\\.\\./)?(api|stack|agent|scheduler|cli)/',
              message: "Import another package by name ('@berth/<pkg>'), not by relative path.",
            },
          ],
        },
      ],
    },
  },
);
