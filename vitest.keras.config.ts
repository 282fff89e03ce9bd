import { defineConfig } from 'vitest/config';

// Real-Keras checks: slow (TensorFlow import, venv set-up), so they run as their own stage.
export default defineConfig({
  test: {
    include: ['tests/keras/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
