import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist', '**/node_modules', '**/.local', 'helm/**', 'k8s/**', '**/jest.config.js', 'jest.preset.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:util', 'type:client', 'type:testing'] },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:util'] },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:util'],
              bannedExternalImports: ['@nestjs/*', '@mikro-orm/*', 'kafkajs', 'fastify', 'pg'],
            },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:devinfra', onlyDependOnLibsWithTags: ['type:devinfra'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing', 'type:devinfra', 'type:platform', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:itest', onlyDependOnLibsWithTags: ['type:testing', 'type:devinfra', 'type:platform', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:devstack', onlyDependOnLibsWithTags: ['type:devinfra', 'type:platform', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:devstack', 'type:devinfra', 'type:testing', 'type:platform', 'type:contracts', 'type:util'] },
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'kafkajs', message: 'Only @alphintra/platform-messaging talks to Kafka.' }] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  { files: ['libs/platform/messaging/**/*.ts', 'tests/platform/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['**/*.spec.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
];
