// Label selectors: parsing, matching, and conversion of metav1.LabelSelector.
export * from './selector.ts';
