// Validation building blocks: name and format checks, object metadata, label selectors in specs,
// IP addresses, Go value formatting for messages. (Field errors themselves are exported from
// ./field-errors.ts by the api index.)
export * from './go-format.ts';
export * from './names.ts';
export * from './ip.ts';
export * from './generic.ts';
export * from './object-meta.ts';
