import { fileURLToPath } from 'node:url';

/** The portal's static files, served by the API at `/`. */
export const portalAssetsDir = fileURLToPath(new URL('../public', import.meta.url));
