import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The console: built into dist/console/ and served by tessera at /console/ (src/server/console.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // The CSP allows no inline script or style; keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    // Shipped in the package without web/src: no source maps pointing at files that are not there.
    sourcemap: false,
  },
  server: {
    // `npx vite --config web/vite.config.ts` with a tessera on :8000 for development.
    proxy: Object.fromEntries(['/api', '/auth', '/studentapi', '/tasks', '/users'].map((path) => [path, 'http://127.0.0.1:8000'])),
  },
});
