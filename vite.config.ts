import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The built app is served with a Content-Security-Policy that forbids inline script and eval
// (see index.html); WGSL is bundled as text with `?raw`.
export default defineConfig({
  plugins: [react()],
  build: { target: 'es2022', sourcemap: true },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
