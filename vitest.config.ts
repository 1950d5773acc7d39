import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Hang guards, not speed checks: SwiftShader (WebGPU on the CPU) and Chromium share two cores with the
    // other test files, and a busy machine makes them several times slower than an idle one.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
