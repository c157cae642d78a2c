import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// `npm run dev -w services/portal` serves the portal with hot reload and sends API calls to the
// gateway that `npm start` runs (PORTAL_API_URL to point elsewhere).
const api = process.env.PORTAL_API_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  // The SDK from its TypeScript sources, as every workspace uses it: no SDK build first.
  resolve: { conditions: ['@acme/source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The charts (recharts) load with the first page that draws one; the rest is shared by every page.
    chunkSizeWarningLimit: 700,
  },
  server: { proxy: { '/graphql': api, '/v1': api } },
});
