// One polling helper for every test: the core package's.
export { eventually } from '../../services/core/src/testing/eventually.ts';
