// resource.Quantity: parsing, canonical serialisation, comparison and arithmetic.
export * from './quantity.ts';
