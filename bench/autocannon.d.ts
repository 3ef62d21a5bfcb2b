/** autocannon ships no types; the benchmark uses only its programmatic entry point. */
declare module 'autocannon' {
  interface Instance {
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
    ): void;
  }
  function autocannon(options: Record<string, unknown>, done: (error: Error | null, result: any) => void): Instance;
  export default autocannon;
}
