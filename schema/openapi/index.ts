import { fileURLToPath } from 'node:url';

/** The REST contract (OpenAPI 3.1, YAML); the API serves it as /openapi.json and validates requests against it. */
export const openapiPath = fileURLToPath(new URL('./openapi.yaml', import.meta.url));
