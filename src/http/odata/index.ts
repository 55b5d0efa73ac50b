/** The OData query-options layer: pure parsing and shaping, no HTTP framework. */

export * from './filter.js';
export * from './expand.js';
export * from './select.js';
export * from './queryOptions.js';
export * from './prefer.js';
export * from './keySyntax.js';
export type { ExpandSpec } from './expandValidation.js';
