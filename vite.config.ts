import { defineConfig } from 'vite';

// Library build: one ESM entry (dist/index.js); Node built-ins and Dawn's `webgpu` stay external
// (they are imported lazily, only in Node).
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: 'index',
    },
    rollupOptions: {
      external: [/^node:/, 'webgpu', 'worker_threads', 'os', 'fs', 'url', 'path'],
    },
  },
});
