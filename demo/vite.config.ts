import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The demo site: the training page, the digit page and the Fashion-MNIST page. Served cross-origin isolated
// (COOP + COEP) so the wasm backend's threads get SharedArrayBuffer, in dev and in preview alike.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: {
    sourcemap: true,
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { main: `${root}index.html`, digit: `${root}digit.html`, fashion: `${root}fashion.html` } },
  },
});
