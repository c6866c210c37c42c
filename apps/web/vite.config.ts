import react from '@vitejs/plugin-react';
import { resolve } from 'path';
import { defineConfig } from 'vite';

const root = resolve(__dirname);

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // The shared USCC validator lives in libs/uscc (one implementation for server and UI).
    fs: { allow: [resolve(root, '..', '..')] },
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
