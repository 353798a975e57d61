// Field selectors: parsing, matching, escaping, and the unsupported-field-label error.
export * from './selector.ts';
