// Stands in for ioredis, an optional peer the consumer did not install: it exports nothing.
export {};
