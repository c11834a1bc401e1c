import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** Where a tessera runs during `vite` development (`npx tessera serve` or `npm start`). */
const TESSERA = process.env.TESSERA_URL ?? 'http://127.0.0.1:8000';

// The students SPA: built into examples/students-spa/dist/ and served by serve.ts at /spa/ on
// tessera's own origin; in development Vite serves it and proxies the API to tessera.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/spa/',
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: { '/api': TESSERA, '/studentapi': TESSERA },
  },
});
