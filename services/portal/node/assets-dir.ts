import { fileURLToPath } from 'node:url';

/** The built portal (`vite build` output), served by the API at `/`. */
export const portalAssetsDir = fileURLToPath(new URL('../dist', import.meta.url));
