// The workflow bundle's entry: Temporal bundles everything reachable from here, so it must stay
// deterministic and free of I/O (`npm run lint` enforces the imports).
export { deliverToEndpoint } from './deliver-to-endpoint.ts';
export { enforceRetention } from './enforce-retention.ts';
