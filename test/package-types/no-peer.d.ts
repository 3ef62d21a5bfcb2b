// Stands in for an optional peer the consumer did not install (prom-client, @opentelemetry/api): the
// main entry's types must not need it.
export {};
