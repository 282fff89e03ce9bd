// Public surface of the readers and writers.
export {};
